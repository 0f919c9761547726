namespace OrleansRecovery.Testing.Checking;

/// <summary>The final acknowledgement a sender received for one message.</summary>
public enum AckOutcome
{
    /// <summary>No acknowledgement: every attempt failed or timed out. The message may or may not have been admitted (indeterminate).</summary>
    None = 0,

    /// <summary>Answered <see cref="SubmitOutcome.Processed"/>: admitted and applied.</summary>
    Processed = 1,

    /// <summary>Answered <see cref="SubmitOutcome.Queued"/>: admitted (parked, or held as a recovery's subject).</summary>
    Queued = 2,

    /// <summary>Answered <see cref="SubmitOutcome.Duplicate"/>: an earlier attempt with the same id was admitted.</summary>
    Duplicate = 3,

    /// <summary>Answered <see cref="SubmitOutcome.Rejected"/>: refused, so it must never be applied.</summary>
    Rejected = 4,

    /// <summary>
    /// A stream publish completed: the event is durably in the queue. It must be applied eventually, but the acknowledgement
    /// says nothing about when it is admitted relative to other messages.
    /// </summary>
    Published = 5,
}

/// <summary>Helpers over <see cref="AckOutcome"/>.</summary>
public static class AckOutcomes
{
    /// <summary>Converts the grain's answer into an acknowledgement.</summary>
    public static AckOutcome FromSubmitOutcome(SubmitOutcome outcome) => outcome switch
    {
        SubmitOutcome.Processed => AckOutcome.Processed,
        SubmitOutcome.Queued => AckOutcome.Queued,
        SubmitOutcome.Duplicate => AckOutcome.Duplicate,
        SubmitOutcome.Rejected => AckOutcome.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown submit outcome."),
    };

    /// <summary>True when the acknowledgement promises the message's effect (lost if it never shows).</summary>
    public static bool PromisesEffect(this AckOutcome outcome) =>
        outcome is AckOutcome.Processed or AckOutcome.Queued or AckOutcome.Duplicate or AckOutcome.Published;

    /// <summary>
    /// True when the acknowledgement says the message was admitted into its transaction's order before it was received
    /// (a grain's answer, not a stream publish).
    /// </summary>
    public static bool ProvesAdmission(this AckOutcome outcome) =>
        outcome is AckOutcome.Processed or AckOutcome.Queued or AckOutcome.Duplicate;
}
