using OrleansRecovery.Ledger;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The reference ledger refuses what it can never apply instead of throwing (a throw would fault the transaction).</summary>
public sealed class LedgerLogicTests
{
    private static readonly ITransactionLogic Logic = new LedgerLogic();
    private static readonly RecoveryInfo Recovery = new("rec-1", "test", DateTimeOffset.UnixEpoch);

    [Fact]
    public void LedgerDeclaresItsTypes_SoAnUnknownTypeIsRejectedOnArrival_NamingTheValidOnes()
    {
        Assert.Equal(["credit", "debit", "external-debit"],
            Logic.MessageTypes.Where(t => t.Kind == MessageKind.Normal).Select(t => t.Type));
        Assert.Equal(["adjustment", "settle", "reconciled"],
            Logic.MessageTypes.Where(t => t.Kind == MessageKind.Recovery).Select(t => t.Type));
        var machine = new OrleansRecovery.StateMachine.RecoveryStateMachine(Logic, new OrleansRecovery.StateMachine.RecoveryLimits());

        var answer = machine.Submit(machine.NewState("acct"), "acct", [TransactionMessage.Normal("m1", "refund", "{}")],
            DateTimeOffset.UnixEpoch, () => "rec-1").Results[0];

        Assert.Equal(RejectionCode.ApplicationRejected, answer.Code);
        Assert.Equal("Type 'refund' is not a normal message type of this logic; valid normal types: credit, debit, external-debit.",
            answer.Reason);
    }

    [Theory]
    [InlineData("{\"amount\":\"5\"}", "integer 'amount'")]
    [InlineData("{\"amount\":5.5}", "integer 'amount'")]
    [InlineData("{\"amount\":true}", "integer 'amount'")]
    [InlineData("[1,2]", "integer 'amount'")]
    [InlineData("{\"amount\":-3}", "must be positive")]
    [InlineData("{\"amount\":0}", "must be positive")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public void ApplyNormal_CreditWithABadAmount_IsRejectedWithTheReason(string payload, string named)
    {
        var data = Logic.CreateInitialData("acct");

        var decision = Logic.ApplyNormal(data, TransactionMessage.Normal("m1", LedgerMessageTypes.Credit, payload));

        Assert.Equal(NormalVerdict.Rejected, decision.Verdict);
        Assert.Contains(named, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyNormal_CreditThatWouldOverflowTheBalance_IsRejectedNotThrown()
    {
        var data = Logic.ApplyNormal(Logic.CreateInitialData("acct"), LedgerMessages.Credit("max", long.MaxValue)).Data;

        var credit = Logic.ApplyNormal(data, LedgerMessages.Credit("one", 1));
        var debit = Logic.ApplyNormal(Logic.CreateInitialData("acct"), LedgerMessages.Debit("big", long.MaxValue));
        var afterDebit = Logic.ApplyNormal(debit.Data, LedgerMessages.Debit("more", 2));

        Assert.Equal(NormalVerdict.Rejected, credit.Verdict);
        Assert.Contains("out of range", credit.Reason, StringComparison.Ordinal);
        Assert.Equal(NormalVerdict.Applied, debit.Verdict);
        Assert.Equal(NormalVerdict.Rejected, afterDebit.Verdict);
        Assert.Equal(long.MaxValue, ((LedgerData)data!).Balance);
    }

    [Fact]
    public void ApplyRecovery_AdjustmentThatWouldOverflow_IsRejected()
    {
        var data = Logic.ApplyNormal(Logic.CreateInitialData("acct"), LedgerMessages.Credit("max", long.MaxValue)).Data;

        var decision = Logic.ApplyRecovery(data, LedgerMessages.Adjustment("adj", 1), Recovery);

        Assert.Equal(RecoveryVerdict.Rejected, decision.Verdict);
    }

    [Fact]
    public void ApplyNormal_ExternalDebitThatTimedOut_IsInDoubt_AndSettleAppliedPostsIt()
    {
        var data = Logic.CreateInitialData("acct");

        var inDoubt = Logic.ApplyNormal(data, LedgerMessages.ExternalDebit("x1", 40, timedOut: true));
        var settled = Logic.ApplyRecovery(inDoubt.Data, LedgerMessages.Settle("s1", applied: true),
            Recovery with { Subject = LedgerMessages.ExternalDebit("x1", 40, timedOut: true) });

        Assert.Equal(NormalVerdict.InDoubt, inDoubt.Verdict);
        Assert.Equal(RecoveryVerdict.Complete, settled.Verdict);
        var ledger = (LedgerData)settled.Data!;
        Assert.Equal(-40, ledger.Balance);
        Assert.Equal(["x1"], ledger.Statement.Select(e => e.MessageId));
    }
}
