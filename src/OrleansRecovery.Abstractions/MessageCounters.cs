namespace OrleansRecovery;

/// <summary>How many messages a transaction answered, by outcome, since it was created.</summary>
/// <param name="Processed">Messages whose effect was applied on arrival (normal or recovery).</param>
/// <param name="Queued">Normal messages parked in the pending log (or held as a recovery's subject).</param>
/// <param name="Replayed">Parked messages whose effect was applied by a replay.</param>
/// <param name="Duplicate">Messages answered as duplicates (saved with the next header write, so a crash may lose the latest few).</param>
/// <param name="Rejected">Messages rejected.</param>
[GenerateSerializer]
[OmitDefaultMemberValues] // Most counters of most transactions are zero; the header that holds them is rewritten per message.
[Alias("OrleansRecovery.MessageCounters")]
public readonly record struct MessageCounters(
    [property: Id(0)] long Processed,
    [property: Id(1)] long Queued,
    [property: Id(2)] long Replayed,
    [property: Id(3)] long Duplicate,
    [property: Id(4)] long Rejected);
