namespace OrleansRecovery;

/// <summary>One parked entry in a <see cref="ReplayPreview"/>.</summary>
/// <param name="Position">Its place in the pending log (0 is replayed first).</param>
/// <param name="Sequence">Its admission number within the transaction.</param>
/// <param name="MessageId">The message id.</param>
/// <param name="Type">The message type.</param>
/// <param name="Verdict">What replay would do with it.</param>
/// <param name="Reason">The logic's reason (rejected, in doubt) or the exception (would throw); null when applied or not reached.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.ReplayPreviewEntry")]
public sealed record ReplayPreviewEntry(
    [property: Id(0)] long Position,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string MessageId,
    [property: Id(3)] string Type,
    [property: Id(4)] ReplayPreviewVerdict Verdict,
    [property: Id(5)] string? Reason);
