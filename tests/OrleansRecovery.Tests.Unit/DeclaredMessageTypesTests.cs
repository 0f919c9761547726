using OrleansRecovery.Logic;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// A logic that declares its message types: a message of an undeclared type is rejected on arrival, with the valid types named,
/// and never parked; one that declares none decides every type itself.
/// </summary>
public sealed class DeclaredMessageTypesTests
{
    [Fact]
    public void UndeclaredNormalType_IsRejectedOnArrival_NamingTheValidTypes_EvenWhileRecovering()
    {
        var harness = new Harness(logic: new DeclaringLogic());
        harness.Begin();

        var answer = harness.Submit(Harness.Normal("n1", "refund")).Results[0];

        Assert.Equal(SubmitOutcome.Rejected, answer.Outcome);
        Assert.Equal(RejectionCode.ApplicationRejected, answer.Code);
        Assert.Equal("Type 'refund' is not a normal message type of this logic; valid normal types: apply, in-doubt.", answer.Reason);
        Assert.Equal(0, harness.State.Pending.Count); // not parked: it could only fail at replay
    }

    [Fact]
    public void TypeOfTheOtherKind_IsRejected_WithAHintAboutTheKind()
    {
        var harness = new Harness(logic: new DeclaringLogic());
        harness.Begin();

        var answer = harness.Submit(Harness.Recovery("r1", "apply")).Results[0];

        Assert.Equal(SubmitOutcome.Rejected, answer.Outcome);
        Assert.Contains("'apply' is a normal message type: check the message's kind", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("valid recovery types: done, fix.", answer.Reason, StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Recovering, harness.State.Mode);
    }

    [Fact]
    public void DeclaredTypes_AreDecidedByTheLogic_AndALogicDeclaringNoneDecidesEveryType()
    {
        var declaring = new Harness(logic: new DeclaringLogic());
        Assert.Equal(SubmitOutcome.Processed, declaring.Submit(Harness.Normal("n1")).Results[0].Outcome);

        var undeclared = new Harness(); // CountingLogic declares nothing: its own reason for an unknown type stands
        var answer = undeclared.Submit(Harness.Normal("n1", "refund")).Results[0];
        Assert.Equal("unknown normal type 'refund'", answer.Reason);
    }

    private sealed class DeclaringLogic : ITransactionLogic
    {
        private readonly ITransactionLogic _inner = new CountingLogic();

        public IReadOnlyList<MessageTypeInfo> MessageTypes { get; } =
        [
            new("apply", MessageKind.Normal, "applies"),
            new("in-doubt", MessageKind.Normal, "leaves it in doubt"),
            new("fix", MessageKind.Recovery, "fixes"),
            new("done", MessageKind.Recovery, "completes"),
        ];

        public object? CreateInitialData(string transactionId) => _inner.CreateInitialData(transactionId);

        public NormalDecision ApplyNormal(object? data, TransactionMessage message) => _inner.ApplyNormal(data, message);

        public RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
            _inner.ApplyRecovery(data, message, recovery);
    }
}
