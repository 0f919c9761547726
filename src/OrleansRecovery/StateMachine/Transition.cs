namespace OrleansRecovery.StateMachine;

/// <summary>The result of one decision: the new state, the answers to give after the write, and what to write.</summary>
/// <param name="State">The state once <paramref name="Writes"/> are stored.</param>
/// <param name="Results">One answer per submitted message, in order (empty for replay and begin-recovery).</param>
/// <param name="Writes">The records to store before answering.</param>
/// <param name="StartedRecovery">The latest recovery this transition started, to announce after the write; null if none.</param>
internal sealed record Transition(
    TransactionState State,
    IReadOnlyList<SubmitResult> Results,
    WriteSet Writes,
    RecoveryInfo? StartedRecovery)
{
    /// <summary>How many parked entries this transition applied (replay only).</summary>
    public int Replayed { get; init; }

    /// <summary>
    /// Replay only: why no parked entry could be applied now (a recovery scope whose state could not be confirmed); null otherwise.
    /// The grain tries again later; nothing was written.
    /// </summary>
    public string? HeldBy { get; init; }

    /// <summary>
    /// The recoveries this transition completed, in order (a group can complete one and start another: the mode alone would read
    /// Recovering → Recovering and hide the completion). Empty when none.
    /// </summary>
    public IReadOnlyList<RecoveryInfo> Completed { get; init; } = [];

    /// <summary>Campaign recovery only: the transaction already went through a recovery of that campaign, so nothing changed.</summary>
    public bool AlreadyJoined { get; init; }
}
