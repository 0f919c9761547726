namespace OrleansRecovery.Logic;

/// <summary>
/// The application's transaction logic, plugged into <c>TransactionGrain</c>. Implementations must be pure: they receive the
/// current data and return the new data without mutating the old (the engine keeps the old value to restore it when a storage
/// write fails), and they perform no I/O. Outcomes the logic cannot know yet (an external call that timed out) are reported as
/// <see cref="NormalDecision.InDoubt"/>, which starts a recovery. Derive from <see cref="TransactionLogic{TData}"/> for typed data.
/// </summary>
public interface ITransactionLogic
{
    /// <summary>The data of a transaction that has never been written.</summary>
    object? CreateInitialData(string transactionId);

    /// <summary>Applies a normal message (on arrival in Normal mode, or when replayed after recovery).</summary>
    NormalDecision ApplyNormal(object? data, TransactionMessage message);

    /// <summary>Applies a recovery message while the transaction recovers; says whether recovery is complete.</summary>
    RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery);

    /// <summary>
    /// The recovery scope the transaction belongs to (e.g. the downstream system it depends on), or null for none (the default).
    /// While that scope is open, the transaction parks its normal messages and enters recovery on its next message, whether or not
    /// it was active when the scope opened. Must be pure and cheap: it is asked before every normal message is applied. A name
    /// that breaks the scope name rule (<see cref="RecoveryScopes"/>), or an exception, holds the transaction's normal messages
    /// parked (never applied unchecked) until the logic is fixed.
    /// </summary>
    string? RecoveryScopeOf(string transactionId, object? data) => null;

    /// <summary>
    /// The message types the logic accepts, or empty (the default) when it does not declare them. When declared, a message whose
    /// type is not declared for its kind is rejected on arrival (<see cref="RejectionCode.ApplicationRejected"/>, naming the valid
    /// types) without reaching the logic, so it is never parked to fail at replay.
    /// </summary>
    IReadOnlyList<MessageTypeInfo> MessageTypes => [];
}
