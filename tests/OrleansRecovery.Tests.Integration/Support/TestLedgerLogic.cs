using OrleansRecovery.Ledger;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// The reference <see cref="LedgerLogic"/> plus one deliberately broken message type, <see cref="Explode"/>, whose normal apply
/// throws every time: a poison message, as a bug in an application's logic would produce.
/// </summary>
public sealed class TestLedgerLogic : ITransactionLogic
{
    /// <summary>The normal message type whose logic throws.</summary>
    public const string Explode = "explode";

    private readonly ITransactionLogic _ledger = new LedgerLogic();

    public object? CreateInitialData(string transactionId) => _ledger.CreateInitialData(transactionId);

    public NormalDecision ApplyNormal(object? data, TransactionMessage message) =>
        message?.Type == Explode
            ? throw new InvalidOperationException("Ledger bug: cannot apply 'explode'.")
            : _ledger.ApplyNormal(data, message!);

    public RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
        _ledger.ApplyRecovery(data, message, recovery);

    public string? RecoveryScopeOf(string transactionId, object? data) => _ledger.RecoveryScopeOf(transactionId, data);

    /// <summary>A poison message.</summary>
    public static TransactionMessage Poison(string messageId) => TransactionMessage.Normal(messageId, Explode, "{}");
}
