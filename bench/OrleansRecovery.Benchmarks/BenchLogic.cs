using OrleansRecovery.Ledger;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// The reference <see cref="LedgerLogic"/> (as shipped, delegated to) plus a recovery scope by naming convention: a transaction
/// whose id starts with <see cref="ScopePrefix"/> belongs to the scope named by the id's part before the first '-'
/// ("scopeA-17" is in scope "scopeA"); every other transaction has no scope, exactly as with <see cref="LedgerLogic"/>.
/// </summary>
public sealed class BenchLogic : ITransactionLogic
{
    /// <summary>Ids starting with this belong to a scope.</summary>
    public const string ScopePrefix = "scope";

    private readonly ITransactionLogic _ledger = new LedgerLogic();

    /// <inheritdoc />
    public object? CreateInitialData(string transactionId) => _ledger.CreateInitialData(transactionId);

    /// <inheritdoc />
    public NormalDecision ApplyNormal(object? data, TransactionMessage message) => _ledger.ApplyNormal(data, message);

    /// <inheritdoc />
    public RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
        _ledger.ApplyRecovery(data, message, recovery);

    /// <inheritdoc />
    public string? RecoveryScopeOf(string transactionId, object? data)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        if (!transactionId.StartsWith(ScopePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var dash = transactionId.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? transactionId[..dash] : null;
    }
}
