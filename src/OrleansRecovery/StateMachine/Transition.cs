namespace OrleansRecovery.StateMachine;

/// <summary>The result of one decision: the new state, the answers to give after the write, and what to write.</summary>
/// <param name="State">The state once <paramref name="Writes"/> are stored.</param>
/// <param name="Results">One answer per submitted message, in order (empty for replay and begin-recovery).</param>
/// <param name="Writes">The records to store before answering.</param>
/// <param name="StartedRecovery">The latest recovery this transition started, to announce after the write; null if none.</param>
public sealed record Transition(
    TransactionState State,
    IReadOnlyList<SubmitResult> Results,
    WriteSet Writes,
    RecoveryInfo? StartedRecovery)
{
    /// <summary>How many parked entries this transition applied (replay only).</summary>
    public int Replayed { get; init; }
}
