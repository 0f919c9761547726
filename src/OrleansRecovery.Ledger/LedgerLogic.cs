using System.Text.Json;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Ledger;

/// <summary>
/// Reference transaction logic: an account ledger reconciled with a system of record. Normal messages credit and debit the
/// account; an external debit whose call timed out leaves it in doubt; recovery messages adjust it and settle the doubt.
/// An account whose id starts with a bank's name and <c>::</c> (<c>bank-a::acct-17</c>) belongs to that bank's recovery scope.
/// </summary>
public sealed class LedgerLogic : TransactionLogic<LedgerData>
{
    /// <summary>Separates the bank (the account's recovery scope) from the account in an account id.</summary>
    public const string ScopeSeparator = "::";

    private static readonly MessageTypeInfo[] Types =
    [
        new(LedgerMessageTypes.Credit, MessageKind.Normal, """adds the amount: {"amount": 10} (minor units, > 0)"""),
        new(LedgerMessageTypes.Debit, MessageKind.Normal, """subtracts the amount: {"amount": 10}"""),
        new(LedgerMessageTypes.ExternalDebit, MessageKind.Normal,
            """a debit through the payment system: {"amount": 10, "outcome": "ok" | "timeout"}; timeout leaves it in doubt"""),
        new(LedgerMessageTypes.Adjustment, MessageKind.Recovery, """a signed correction from the system of record: {"amount": -5}"""),
        new(LedgerMessageTypes.Settle, MessageKind.Recovery,
            """whether the in-doubt debit happened: {"applied": true | false}; completes the recovery"""),
        new(LedgerMessageTypes.Reconciled, MessageKind.Recovery, "reconciliation is done: {}; completes the recovery"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<MessageTypeInfo> MessageTypes => Types;

    /// <inheritdoc />
    protected override string? RecoveryScopeOf(string transactionId, LedgerData data)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        var end = transactionId.IndexOf(ScopeSeparator, StringComparison.Ordinal);
        return end > 0 ? transactionId[..end] : null;
    }

    /// <inheritdoc />
    protected override LedgerData CreateInitialData(string transactionId) => new(transactionId, 0, []);

    /// <inheritdoc />
    protected override NormalDecision ApplyNormal(LedgerData data, TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Type)
        {
            case LedgerMessageTypes.Credit:
                return Amount(message, out var credit, out var problem)
                    ? Post(data, message.MessageId, "credit", credit)
                    : NormalDecision.Rejected(problem!);
            case LedgerMessageTypes.Debit:
                return Amount(message, out var debit, out problem)
                    ? Post(data, message.MessageId, "debit", -debit)
                    : NormalDecision.Rejected(problem!);
            case LedgerMessageTypes.ExternalDebit:
                if (!Amount(message, out var external, out problem))
                {
                    return NormalDecision.Rejected(problem!);
                }

                if (!data.CanPost(-external))
                {
                    return NormalDecision.Rejected($"Debit of {external} would take the balance out of range.");
                }

                return ReadString(message.Payload, "outcome") == "timeout"
                    ? NormalDecision.InDoubt(data, $"External debit of {external} timed out; its outcome is unknown.")
                    : NormalDecision.Applied(data.Post(message.MessageId, "debit", -external));
            default:
                return NormalDecision.Rejected($"Ledger does not know normal message type '{message.Type}'.");
        }
    }

    /// <inheritdoc />
    protected override RecoveryDecision ApplyRecovery(LedgerData data, TransactionMessage message, RecoveryInfo recovery)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recovery);
        switch (message.Type)
        {
            case LedgerMessageTypes.Adjustment:
                if (!SignedAmount(message, out var amount, out var problem))
                {
                    return RecoveryDecision.Rejected(problem!);
                }

                return data.CanPost(amount)
                    ? RecoveryDecision.Continue(data.Post(message.MessageId, "adjustment", amount))
                    : RecoveryDecision.Rejected($"Adjustment of {amount} would take the balance out of range.");
            case LedgerMessageTypes.Settle:
                if (recovery.Subject is not { } subject)
                {
                    return RecoveryDecision.Rejected("Nothing to settle: this recovery has no in-doubt message.");
                }

                var applied = ReadBool(message.Payload, "applied");
                if (applied is null)
                {
                    return RecoveryDecision.Rejected("Settle payload needs a boolean 'applied'.");
                }

                if (applied == false || !Amount(subject, out var debit, out _) || !data.CanPost(-debit))
                {
                    return RecoveryDecision.Complete(data);
                }

                return RecoveryDecision.Complete(data.Post(subject.MessageId, "debit", -debit));
            case LedgerMessageTypes.Reconciled:
                return recovery.Subject is { } unsettled
                    ? RecoveryDecision.Rejected($"In-doubt message '{unsettled.MessageId}' is not settled; send '{LedgerMessageTypes.Settle}'.")
                    : RecoveryDecision.Complete(data);
            default:
                return RecoveryDecision.Rejected($"Ledger does not know recovery message type '{message.Type}'.");
        }
    }

    private static NormalDecision Post(LedgerData data, string messageId, string kind, long amount) =>
        data.CanPost(amount)
            ? NormalDecision.Applied(data.Post(messageId, kind, amount))
            : NormalDecision.Rejected($"{char.ToUpperInvariant(kind[0])}{kind[1..]} of {Math.Abs(amount)} would take the balance out of range.");

    private static bool Amount(TransactionMessage message, out long amount, out string? problem)
    {
        if (!SignedAmount(message, out amount, out problem))
        {
            return false;
        }

        if (amount <= 0)
        {
            problem = $"Amount must be positive; was {amount}.";
            return false;
        }

        return true;
    }

    private static bool SignedAmount(TransactionMessage message, out long amount, out string? problem)
    {
        amount = 0;
        try
        {
            using var json = JsonDocument.Parse(message.Payload);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("amount", out var value)
                && value.ValueKind == JsonValueKind.Number
                && value.TryGetInt64(out amount))
            {
                problem = null;
                return true;
            }
        }
        catch (JsonException ex)
        {
            problem = $"Payload is not valid JSON: {ex.Message}";
            return false;
        }

        problem = "Payload needs an integer 'amount' (minor units).";
        return false;
    }

    private static string? ReadString(string payload, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool? ReadBool(string payload, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var v)
                && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
