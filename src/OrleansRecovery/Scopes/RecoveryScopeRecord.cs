namespace OrleansRecovery.Scopes;

/// <summary>
/// The stored state of a recovery scope (state name <see cref="StateName"/> of the scope grain's id): fixed size, rewritten by
/// each opening and closing, so it does not grow with the number of openings. Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Scopes.RecoveryScopeRecord")]
internal sealed class RecoveryScopeRecord
{
    /// <summary>The state name of the record.</summary>
    public const string StateName = "scope";

    /// <summary>True while open.</summary>
    [Id(0)] public bool IsOpen { get; set; }

    /// <summary>The campaign of the current (or last) opening.</summary>
    [Id(1)] public string? CampaignId { get; set; }

    /// <summary>The reason of the current (or last) opening.</summary>
    [Id(2)] public string? Reason { get; set; }

    /// <summary>When the current (or last) opening was stored.</summary>
    [Id(3)] public DateTimeOffset? OpenedAt { get; set; }

    /// <summary>When the scope was last closed.</summary>
    [Id(4)] public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Who closed it and why, when the last closing gave a reason (cleared by the next opening).</summary>
    [Id(5)] public string? CloseReason { get; set; }
}
