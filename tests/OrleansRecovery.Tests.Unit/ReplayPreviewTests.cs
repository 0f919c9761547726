using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// <see cref="StateMachine.RecoveryStateMachine.PreviewReplay"/>: a pure function that says what replay would do, checked against
/// what replay then does.
/// </summary>
public sealed class ReplayPreviewTests
{
    [Fact]
    public void Preview_SaysPerEntryWhatReplayDoes_StopsAtAThrow_AndChangesNothing()
    {
        var harness = new Harness();
        harness.Begin();
        harness.Submit(Normal("a1"), Normal("b1", "bad"), Normal("a2"), Normal("t1", "throw"), Normal("a3"));
        var before = harness.State;

        var preview = harness.Machine.PreviewReplay(before, TransactionId, 100);

        Assert.Same(before, harness.State);
        Assert.Equal(
            [
                ("a1", ReplayPreviewVerdict.Applied), ("b1", ReplayPreviewVerdict.Rejected), ("a2", ReplayPreviewVerdict.Applied),
                ("t1", ReplayPreviewVerdict.WouldThrow), ("a3", ReplayPreviewVerdict.NotReached),
            ],
            preview.Entries.Select(e => (e.MessageId, e.Verdict)));
        Assert.Equal(CountingLogic.BadReason, preview.Entries[1].Reason);
        Assert.Contains(CountingLogic.ThrowMessage, preview.Entries[3].Reason, StringComparison.Ordinal);
        Assert.Equal(3L, preview.StopsAt);
        Assert.Equal(5, preview.PendingCount);
        Assert.Equal(TransactionMode.Recovering, preview.Mode);
        Assert.Equal(["a1", "a2"], ((TestData)preview.ResultingData!).Applied);
        Assert.Empty(((TestData)before.Data!).Applied);

        // What replay then really does: the same data, held at t1, a3 still parked.
        harness.Submit(Recovery("r1", "done"));
        harness.ReplayAll();
        Assert.Equal(TransactionMode.Faulted, harness.State.Mode);
        Assert.Equal("t1", harness.State.Fault!.Message.MessageId);
        Assert.Equal(["R:r1", "a1", "a2"], harness.Applied); // the completing message first, then the replay
        Assert.Equal(1, harness.State.Pending.Count);
    }

    [Fact]
    public void Preview_OfAnEntryInDoubt_KeepsItsData_AndStopsThere_LikeReplay()
    {
        var harness = new Harness();
        harness.Begin();
        harness.Submit(Normal("a1"), Normal("d1", "in-doubt"), Normal("a2"));
        harness.Submit(Recovery("r1", "done"));
        var normalWithPending = harness.State;
        Assert.True(normalWithPending.ReplayDue);

        var preview = harness.Machine.PreviewReplay(normalWithPending, TransactionId, 100);

        Assert.Equal([ReplayPreviewVerdict.Applied, ReplayPreviewVerdict.InDoubt, ReplayPreviewVerdict.NotReached],
            preview.Entries.Select(e => e.Verdict));
        Assert.Contains("timed out", preview.Entries[1].Reason, StringComparison.Ordinal);
        Assert.Equal(1L, preview.StopsAt);

        harness.ReplayAll();
        Assert.Equal(TransactionMode.Recovering, harness.State.Mode);
        Assert.Equal("d1", harness.State.Recovery!.Subject!.MessageId);
        Assert.Equal(((TestData)preview.ResultingData!).Applied, harness.Applied);
    }

    [Fact]
    public void Preview_RunsAtMostMaxEntries_FromTheFirstUnapplied()
    {
        var harness = new Harness(new StateMachine.RecoveryLimits { SegmentMaxEntries = 2, ReplayBatchSize = 3 });
        harness.Submit(Normal("t0", "throw"));
        for (var i = 0; i < 8; i++)
        {
            harness.Submit(Normal($"m{i}"));
        }

        // Held t0 skipped: the parked messages replay one batch (3), then the preview starts at the first one still parked.
        harness.Adopt(harness.Machine.SkipFault(harness.State, "operator skipped", Now));
        harness.Replay();
        Assert.Equal(5, harness.State.Pending.Count);

        var preview = harness.Machine.PreviewReplay(harness.State, TransactionId, 2);

        Assert.Equal(["m3", "m4"], preview.Entries.Select(e => e.MessageId));
        Assert.Equal([0L, 1L], preview.Entries.Select(e => e.Position));
        Assert.Null(preview.StopsAt);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], ((TestData)preview.ResultingData!).Applied);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReplayPreview.MaxEntries + 1)]
    public void Preview_MaxOutOfRange_ThrowsNamingIt(int max)
    {
        var harness = new Harness();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => harness.Machine.PreviewReplay(harness.State, TransactionId, max));
        Assert.Equal("max", error.ParamName);
        Assert.Contains($"max is {max}", error.Message, StringComparison.Ordinal);
    }
}
