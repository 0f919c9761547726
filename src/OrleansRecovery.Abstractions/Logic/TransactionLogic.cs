namespace OrleansRecovery.Logic;

/// <summary>
/// Typed base for application logic whose data is <typeparamref name="TData"/>. The data is persisted with the grain through the
/// Orleans serializer, so <typeparamref name="TData"/> needs <c>[GenerateSerializer]</c> and <c>[Alias]</c>, and should be immutable.
/// </summary>
/// <typeparam name="TData">The application's data for one transaction.</typeparam>
public abstract class TransactionLogic<TData> : ITransactionLogic
    where TData : class
{
    /// <summary>The data of a new transaction.</summary>
    protected abstract TData CreateInitialData(string transactionId);

    /// <summary>Applies a normal message; return <see cref="NormalDecision.Applied"/>, <see cref="NormalDecision.InDoubt"/> or <see cref="NormalDecision.Rejected"/>.</summary>
    protected abstract NormalDecision ApplyNormal(TData data, TransactionMessage message);

    /// <summary>Applies a recovery message; return <see cref="RecoveryDecision.Continue"/>, <see cref="RecoveryDecision.Complete"/> or <see cref="RecoveryDecision.Rejected"/>.</summary>
    protected abstract RecoveryDecision ApplyRecovery(TData data, TransactionMessage message, RecoveryInfo recovery);

    /// <summary>
    /// The recovery scope the transaction belongs to, or null (the default). See <see cref="ITransactionLogic.RecoveryScopeOf"/>.
    /// </summary>
    protected virtual string? RecoveryScopeOf(string transactionId, TData data) => null;

    /// <summary>
    /// The message types the logic accepts, or empty (the default): undeclared. See <see cref="ITransactionLogic.MessageTypes"/>.
    /// </summary>
    public virtual IReadOnlyList<MessageTypeInfo> MessageTypes => [];

    object? ITransactionLogic.CreateInitialData(string transactionId) => CreateInitialData(transactionId);

    string? ITransactionLogic.RecoveryScopeOf(string transactionId, object? data) => RecoveryScopeOf(transactionId, Cast(data));

    NormalDecision ITransactionLogic.ApplyNormal(object? data, TransactionMessage message) =>
        ApplyNormal(Cast(data), message);

    RecoveryDecision ITransactionLogic.ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
        ApplyRecovery(Cast(data), message, recovery);

    private static TData Cast(object? data) => data as TData
        ?? throw new InvalidOperationException(
            $"Stored transaction data is {data?.GetType().FullName ?? "null"}, expected {typeof(TData).FullName}.");
}
