using System.Globalization;

namespace OrleansRecovery.Ledger;

/// <summary>Builders for ledger messages, for clients, the demo and tests.</summary>
public static class LedgerMessages
{
    /// <summary>A credit of <paramref name="amount"/>.</summary>
    public static TransactionMessage Credit(string messageId, long amount) =>
        TransactionMessage.Normal(messageId, LedgerMessageTypes.Credit, AmountJson(amount));

    /// <summary>A debit of <paramref name="amount"/>.</summary>
    public static TransactionMessage Debit(string messageId, long amount) =>
        TransactionMessage.Normal(messageId, LedgerMessageTypes.Debit, AmountJson(amount));

    /// <summary>An external debit; with <paramref name="timedOut"/> it leaves the account in doubt.</summary>
    public static TransactionMessage ExternalDebit(string messageId, long amount, bool timedOut) =>
        TransactionMessage.Normal(messageId, LedgerMessageTypes.ExternalDebit,
            string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{amount},\"outcome\":\"{(timedOut ? "timeout" : "ok")}\"}}"));

    /// <summary>A recovery adjustment (signed).</summary>
    public static TransactionMessage Adjustment(string messageId, long amount, string? recoveryId = null) =>
        TransactionMessage.Recovery(messageId, LedgerMessageTypes.Adjustment, AmountJson(amount), recoveryId);

    /// <summary>Settles the in-doubt external debit and completes recovery.</summary>
    public static TransactionMessage Settle(string messageId, bool applied, string? recoveryId = null) =>
        TransactionMessage.Recovery(messageId, LedgerMessageTypes.Settle, applied ? "{\"applied\":true}" : "{\"applied\":false}", recoveryId);

    /// <summary>Completes recovery.</summary>
    public static TransactionMessage Reconciled(string messageId, string? recoveryId = null) =>
        TransactionMessage.Recovery(messageId, LedgerMessageTypes.Reconciled, "{}", recoveryId);

    private static string AmountJson(long amount) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{amount}}}");
}
