namespace OrleansRecovery;

/// <summary>
/// The stored state of one recovery scope: whether it is open, since when, why, and the campaign its current (or last) opening
/// started. A scope names what a set of transactions depends on (e.g. a downstream system of record); while it is open, every
/// transaction of the scope parks its normal messages and enters recovery on its next message.
/// </summary>
/// <param name="Scope">The scope's name.</param>
/// <param name="IsOpen">True while the scope's recovery is open.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RecoveryScopeState")]
public sealed record RecoveryScopeState(
    [property: Id(0)] string Scope,
    [property: Id(1)] bool IsOpen)
{
    /// <summary>The campaign of the current opening (or of the last one once closed); null if the scope was never opened.</summary>
    [Id(2)] public string? CampaignId { get; init; }

    /// <summary>The operator's reason for the current (or last) opening.</summary>
    [Id(3)] public string? Reason { get; init; }

    /// <summary>When the current (or last) opening was stored.</summary>
    [Id(4)] public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>When the scope was last closed, or null while open or never closed.</summary>
    [Id(5)] public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Who closed the scope and why, when the last closing gave a reason (<see cref="IRecoveryScopeGrain.CloseAsync(string)"/>).</summary>
    [Id(6)] public string? CloseReason { get; init; }
}
