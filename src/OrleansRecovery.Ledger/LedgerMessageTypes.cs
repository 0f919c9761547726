namespace OrleansRecovery.Ledger;

/// <summary>The message types the ledger understands. Payloads are JSON objects.</summary>
public static class LedgerMessageTypes
{
    /// <summary>Normal: <c>{"amount": n}</c> adds n (minor units, n &gt; 0).</summary>
    public const string Credit = "credit";

    /// <summary>Normal: <c>{"amount": n}</c> subtracts n.</summary>
    public const string Debit = "debit";

    /// <summary>
    /// Normal: <c>{"amount": n, "outcome": "ok" | "timeout"}</c> — a debit that calls an external payment system. With
    /// <c>timeout</c> the call's outcome is unknown: the message leaves the account in doubt and recovery decides it.
    /// </summary>
    public const string ExternalDebit = "external-debit";

    /// <summary>Recovery: <c>{"amount": n}</c> — a correction reported by the system of record (signed). Recovery goes on.</summary>
    public const string Adjustment = "adjustment";

    /// <summary>
    /// Recovery: <c>{"applied": true | false}</c> — the system of record says whether the in-doubt external debit happened.
    /// Posts it (or not) and completes recovery.
    /// </summary>
    public const string Settle = "settle";

    /// <summary>Recovery: <c>{}</c> — reconciliation is done. Completes recovery (refused while an in-doubt debit is unsettled).</summary>
    public const string Reconciled = "reconciled";
}
