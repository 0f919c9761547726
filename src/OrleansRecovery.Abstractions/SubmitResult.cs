namespace OrleansRecovery;

/// <summary>The answer to one submitted message.</summary>
/// <param name="MessageId">The id of the message this answers (as received, possibly invalid).</param>
/// <param name="Outcome">What happened.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.SubmitResult")]
public sealed record SubmitResult(
    [property: Id(0)] string MessageId,
    [property: Id(1)] SubmitOutcome Outcome)
{
    /// <summary>When rejected: why, naming what was wrong. Otherwise null, or a short note (e.g. that the message started a recovery).</summary>
    [Id(2)]
    public string? Reason { get; init; }

    /// <summary>When rejected: the reason as a code.</summary>
    [Id(3)]
    public RejectionCode Code { get; init; }

    /// <summary>When the message left the transaction in doubt: the recovery it started.</summary>
    [Id(4)]
    public string? StartedRecoveryId { get; init; }

    /// <summary>
    /// When accepted (<see cref="SubmitOutcome.Processed"/> or <see cref="SubmitOutcome.Queued"/>): the transaction's admission
    /// sequence number, its count of accepted messages up to and including this one. It grows by one with every message the
    /// transaction accepts, so a caller (or a test) can state the order in which messages were admitted without inferring it
    /// from timing. Null for duplicates (the first acceptance's number is not kept) and rejections.
    /// </summary>
    [Id(5)]
    public long? Sequence { get; init; }

    /// <summary>True when the outcome is <see cref="SubmitOutcome.Processed"/> or <see cref="SubmitOutcome.Queued"/>.</summary>
    public bool IsAccepted => Outcome is SubmitOutcome.Processed or SubmitOutcome.Queued;

    /// <summary>A processed answer.</summary>
    public static SubmitResult Processed(string messageId) => new(messageId, SubmitOutcome.Processed);

    /// <summary>A queued answer.</summary>
    public static SubmitResult Queued(string messageId) => new(messageId, SubmitOutcome.Queued);

    /// <summary>A duplicate answer.</summary>
    public static SubmitResult Duplicate(string messageId) => new(messageId, SubmitOutcome.Duplicate);

    /// <summary>A rejection with its code and reason.</summary>
    public static SubmitResult Rejected(string messageId, RejectionCode code, string reason) =>
        new(messageId, SubmitOutcome.Rejected) { Code = code, Reason = reason };
}
