namespace OrleansRecovery;

/// <summary>One parked normal message as an operator sees it: where it stands in the pending log, what it is and when it came.</summary>
/// <param name="Position">Its place in the pending log now: 0 is the next entry replay applies.</param>
/// <param name="Sequence">Its admission number within the transaction (stable while the log replays; positions move).</param>
/// <param name="MessageId">The message id.</param>
/// <param name="Type">The message type.</param>
/// <param name="SizeBytes">Its estimated stored size (what the pending log's byte limit counts).</param>
/// <param name="ParkedAt">When it was admitted into the pending log.</param>
/// <param name="PayloadExcerpt">The payload's first <see cref="PendingPage.ExcerptLength"/> characters.</param>
/// <param name="PayloadTruncated">True when the payload is longer than the excerpt.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.ParkedEntry")]
public sealed record ParkedEntry(
    [property: Id(0)] long Position,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string MessageId,
    [property: Id(3)] string Type,
    [property: Id(4)] int SizeBytes,
    [property: Id(5)] DateTimeOffset ParkedAt,
    [property: Id(6)] string PayloadExcerpt,
    [property: Id(7)] bool PayloadTruncated);
