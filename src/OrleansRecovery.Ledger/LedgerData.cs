using System.Collections.Immutable;

namespace OrleansRecovery.Ledger;

/// <summary>One line of an account's statement: the effect of one message, in the order effects were applied.</summary>
/// <param name="MessageId">The message whose effect this is.</param>
/// <param name="Kind">credit, debit, adjustment or settlement.</param>
/// <param name="Amount">Signed amount in minor units (cents): positive adds to the balance.</param>
/// <param name="BalanceAfter">The balance after this line.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.Ledger.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Kind,
    [property: Id(2)] long Amount,
    [property: Id(3)] long BalanceAfter);

/// <summary>An account's data: its balance and its statement, immutable (each change returns a new value).</summary>
/// <param name="AccountId">The account (the transaction id).</param>
/// <param name="Balance">The balance in minor units.</param>
/// <param name="Statement">Every applied effect, in applied order.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.Ledger.LedgerData")]
public sealed record LedgerData(
    [property: Id(0)] string AccountId,
    [property: Id(1)] long Balance,
    [property: Id(2)] ImmutableList<LedgerEntry> Statement)
{
    /// <summary>Adds a line and moves the balance.</summary>
    /// <exception cref="OverflowException">The balance would leave the range of <see cref="long"/>; check with <see cref="CanPost"/>.</exception>
    public LedgerData Post(string messageId, string kind, long amount)
    {
        var balance = checked(Balance + amount);
        return this with { Balance = balance, Statement = Statement.Add(new LedgerEntry(messageId, kind, amount, balance)) };
    }

    /// <summary>True when posting <paramref name="amount"/> keeps the balance in range.</summary>
    public bool CanPost(long amount) => amount >= 0 ? Balance <= long.MaxValue - amount : Balance >= long.MinValue - amount;
}
