using OrleansRecovery.Logic;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// P11 in the pure state machine: a recovery scope's state is an input to each decision. Open: the transaction enters the scope's
/// recovery and parks the message, once per opening. Unknown: the message parks and replay holds. Closed: nothing changes.
/// </summary>
public sealed class RecoveryScopeTests
{
    private const string Scope = "bank-a";
    private const string Campaign = "scope-bank-a-1";

    private static readonly ScopeView Open = View(ScopeStatus.Open(Campaign, "bank-a is down"));
    private static readonly ScopeView Closed = View(ScopeStatus.Closed);

    private readonly ScopedLogic _logic = new();
    private readonly RecoveryStateMachine _machine;
    private TransactionState _state;
    private int _recoveries;

    public RecoveryScopeTests()
    {
        _machine = new RecoveryStateMachine(_logic, new RecoveryLimits());
        _state = _machine.NewState(Harness.TransactionId);
    }

    [Fact]
    public void OpenScope_UntouchedTransaction_EntersTheScopesRecoveryAndParksTheMessage()
    {
        var t = Submit(Open, Harness.Normal("n1"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.Equal(TransactionMode.Recovering, _state.Mode);
        Assert.Equal(Scope, _state.Recovery!.Scope);
        Assert.Equal(Campaign, _state.Recovery.CampaignId);
        Assert.Equal(t.Results[0].StartedRecoveryId, _state.Recovery.RecoveryId);
        Assert.Same(_state.Recovery, t.StartedRecovery);
        Assert.True(t.Writes.Header);
        Assert.Single(t.Writes.Segments);
        Assert.Empty(Data.Applied);
        Assert.Equal(1, _state.Pending.Count);
        Assert.Equal(Campaign, _state.LastRecoveryCampaignId);
    }

    [Fact]
    public void OpenScope_AfterTheTransactionsOwnRecoveryCompleted_AppliesWithoutEnteringAgain()
    {
        Submit(Open, Harness.Normal("n1"));
        Submit(Open, Harness.Recovery("r1", "done"));
        Replay(Open);
        Assert.Equal(["R:r1", "n1"], Data.Applied);

        var t = Submit(Open, Harness.Normal("n2"));

        Assert.Equal(SubmitOutcome.Processed, t.Results[0].Outcome);
        Assert.Equal(TransactionMode.Normal, _state.Mode);
        Assert.Equal(["R:r1", "n1", "n2"], Data.Applied);
    }

    [Fact]
    public void UnknownScope_ParksWithoutEntering_AndReplayHoldsUntilTheScopeIsConfirmed()
    {
        var t = Submit(ScopeView.Empty, Harness.Normal("n1"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.Contains("could not be confirmed", t.Results[0].Reason, StringComparison.Ordinal);
        // The header is written with the segment: a transaction never stored has no header, and loading reads segments only
        // under one, so a segment alone would be lost on reload although its message was acknowledged.
        Assert.True(t.Writes.Header);
        Assert.Single(t.Writes.Segments);
        Assert.Equal(TransactionMode.Normal, _state.Mode);
        Assert.True(_state.ReplayDue);

        var held = _machine.ReplayBatch(_state, Harness.TransactionId, Harness.Now, NewRecoveryId, ScopeView.Empty);
        Assert.NotNull(held.HeldBy);
        Assert.True(held.Writes.IsEmpty);
        Assert.Same(_state, held.State);

        Replay(Closed);
        Assert.Equal(["n1"], Data.Applied);
        Assert.False(_state.ReplayDue);
    }

    [Fact]
    public void ClosedScope_AppliesAtOnce()
    {
        var t = Submit(Closed, Harness.Normal("n1"));

        Assert.Equal(SubmitOutcome.Processed, t.Results[0].Outcome);
        Assert.Equal(["n1"], Data.Applied);
    }

    [Fact]
    public void ScopeOpenedWhileRecoveringForAnotherReason_ReplayEntersTheScopesRecoveryBeforeApplyingAnything()
    {
        Adopt(_machine.BeginRecovery(_state, Harness.TransactionId, "operator", Harness.Now, NewRecoveryId()));
        Submit(Closed, Harness.Normal("n1"), Harness.Normal("n2"));
        Submit(Open, Harness.Recovery("r1", "done"));
        Assert.Equal(TransactionMode.Normal, _state.Mode);

        var t = Adopt(_machine.ReplayBatch(_state, Harness.TransactionId, Harness.Now, NewRecoveryId, Open));

        Assert.Equal(0, t.Replayed);
        Assert.Equal(TransactionMode.Recovering, _state.Mode);
        Assert.Equal(Campaign, _state.Recovery!.CampaignId);
        Assert.Equal(2, _state.Pending.Count);
        Assert.Equal(["R:r1"], Data.Applied);
        Assert.NotNull(t.StartedRecovery);
    }

    [Fact]
    public void LogicNamingAnUnusableScope_HoldsMessagesParked()
    {
        _logic.Scope = "a/b";
        var t = Submit(Open, Harness.Normal("n1"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.Contains("unusable recovery scope", t.Results[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'/'", t.Results[0].Reason, StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Normal, _state.Mode);
        Assert.Empty(Data.Applied);
    }

    [Fact]
    public void LogicWhoseScopeRuleThrows_HoldsMessagesParkedInsteadOfApplyingThemUnchecked()
    {
        _logic.Throw = true;
        var t = Submit(Closed, Harness.Normal("n1"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.Contains("RecoveryScopeOf failed", t.Results[0].Reason, StringComparison.Ordinal);
        Assert.Empty(Data.Applied);
        Assert.NotNull(_machine.ReplayBatch(_state, Harness.TransactionId, Harness.Now, NewRecoveryId, Closed).HeldBy);
    }

    [Fact]
    public void CampaignRecovery_IsEnteredOncePerCampaign_EvenWhenTheCampaignRepeatsAStep()
    {
        var first = Adopt(_machine.BeginCampaignRecovery(_state, Harness.TransactionId, "c1", "bank-a reconciliation", Harness.Now, NewRecoveryId()));
        Assert.Equal("c1", first.StartedRecovery!.CampaignId);
        Assert.True(first.Writes.Header);

        var repeated = _machine.BeginCampaignRecovery(_state, Harness.TransactionId, "c1", "bank-a reconciliation", Harness.Now, NewRecoveryId());
        Assert.True(repeated.AlreadyJoined);
        Assert.True(repeated.Writes.IsEmpty);

        Submit(Closed, Harness.Recovery("r1", "done"));
        Assert.Equal(TransactionMode.Normal, _state.Mode);
        var afterCompletion = _machine.BeginCampaignRecovery(_state, Harness.TransactionId, "c1", "bank-a reconciliation", Harness.Now, NewRecoveryId());
        Assert.True(afterCompletion.AlreadyJoined);
        Assert.Equal(TransactionMode.Normal, afterCompletion.State.Mode);
    }

    [Fact]
    public void CampaignRecovery_WhileAlreadyRecovering_JoinsWithTheCurrentRecovery()
    {
        var own = Adopt(_machine.BeginRecovery(_state, Harness.TransactionId, "operator", Harness.Now, NewRecoveryId())).State.Recovery!;

        var joined = Adopt(_machine.BeginCampaignRecovery(_state, Harness.TransactionId, "c1", "campaign", Harness.Now, NewRecoveryId()));

        Assert.Null(joined.StartedRecovery);
        Assert.Equal(own.RecoveryId, _state.Recovery!.RecoveryId);
        Assert.Equal("c1", _state.Recovery.CampaignId);
        Assert.True(_state.HasJoined("c1"));
    }

    [Fact]
    public void CampaignMemory_IsBounded()
    {
        for (var i = 0; i < TransactionState.CampaignMemory + 5; i++)
        {
            Adopt(_machine.BeginCampaignRecovery(_state, Harness.TransactionId, $"c{i}", "campaign", Harness.Now, NewRecoveryId()));
            Submit(Closed, Harness.Recovery($"r{i}", "done"));
        }

        Assert.Equal(TransactionState.CampaignMemory, _state.RecentCampaigns.Count);
        Assert.False(_state.HasJoined("c0"));
        Assert.True(_state.HasJoined($"c{TransactionState.CampaignMemory + 4}"));
    }

    private TestData Data => (TestData)_state.Data!;

    private static ScopeView View(ScopeStatus status, string scope = Scope) =>
        new(new Dictionary<string, ScopeStatus>(StringComparer.Ordinal) { [scope] = status });

    private string NewRecoveryId() => "rec-" + ++_recoveries;

    private Transition Submit(ScopeView scopes, params TransactionMessage[] messages) =>
        Adopt(_machine.Submit(_state, Harness.TransactionId, messages, Harness.Now, NewRecoveryId, scopes));

    private void Replay(ScopeView scopes)
    {
        while (_state.ReplayDue)
        {
            var t = Adopt(_machine.ReplayBatch(_state, Harness.TransactionId, Harness.Now, NewRecoveryId, scopes));
            Assert.Null(t.HeldBy);
        }
    }

    private Transition Adopt(Transition t)
    {
        _state = t.State;
        return t;
    }

    /// <summary><see cref="CountingLogic"/> whose transactions belong to <see cref="Scope"/> (settable), or whose scope rule throws.</summary>
    private sealed class ScopedLogic : ITransactionLogic
    {
        private readonly ITransactionLogic _inner = new CountingLogic();

        public string? Scope { get; set; } = RecoveryScopeTests.Scope;

        public bool Throw { get; set; }

        public object? CreateInitialData(string transactionId) => _inner.CreateInitialData(transactionId);

        public NormalDecision ApplyNormal(object? data, TransactionMessage message) => _inner.ApplyNormal(data, message);

        public RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
            _inner.ApplyRecovery(data, message, recovery);

        public string? RecoveryScopeOf(string transactionId, object? data) =>
            Throw ? throw new InvalidOperationException("no scope table") : Scope;
    }
}
