namespace OrleansRecovery;

/// <summary>
/// One entry of a transaction's timeline: a bounded, durable history kept in its header record (the oldest entries drop out),
/// written only with writes the header needs anyway, so it costs no extra storage operation.
/// </summary>
/// <param name="At">When it happened (for merged entries, the latest).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Text">Details: the reason (with the acting identity when an operator gave one), a message id, an error.</param>
/// <param name="Count">How many messages it covers (parked, replayed, recovery messages); 0 when not a count.</param>
/// <param name="QueuedSoFar">The transaction's count of parked messages when recorded, from which the next <see cref="TimelineEventKind.Parked"/> entry is counted.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.TimelineEvent")]
public sealed record TimelineEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] TimelineEventKind Kind,
    [property: Id(2)] string Text,
    [property: Id(3)] long Count,
    [property: Id(4)] long QueuedSoFar);
