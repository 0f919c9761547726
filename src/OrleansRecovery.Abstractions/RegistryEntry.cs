namespace OrleansRecovery;

/// <summary>What the recovery registry knows of one transaction that is recovering or faulted (or still replaying).</summary>
/// <param name="TransactionId">The transaction.</param>
/// <param name="Mode">Its mode when it last reported.</param>
/// <param name="Since">When it entered that mode (recovery start, or fault time).</param>
/// <param name="Reason">Why: the recovery's reason or the fault's error.</param>
/// <param name="PendingCount">Parked messages when it last reported.</param>
/// <param name="OldestPendingSince">When the oldest parked message was admitted, or null.</param>
/// <param name="UpdatedAt">When it last reported.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryEntry")]
public sealed record RegistryEntry(
    [property: Id(0)] string TransactionId,
    [property: Id(1)] TransactionMode Mode,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string Reason,
    [property: Id(4)] long PendingCount,
    [property: Id(5)] DateTimeOffset? OldestPendingSince,
    [property: Id(6)] DateTimeOffset UpdatedAt)
{
    /// <summary>The recovery id while recovering.</summary>
    [Id(7)] public string? RecoveryId { get; init; }

    /// <summary>True when the recovery has not completed within the configured time (see <c>StuckAfter</c>).</summary>
    [Id(8)] public bool Stuck { get; init; }

    /// <summary>The held message's id while faulted.</summary>
    [Id(9)] public string? FaultMessageId { get; init; }

    /// <summary>The recovery scope of the current recovery, or null.</summary>
    [Id(10)] public string? Scope { get; init; }

    /// <summary>The campaign of the current recovery (or of the recovery whose parked messages are replaying), or null.</summary>
    [Id(11)] public string? CampaignId { get; init; }
}
