using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;
using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The bounded per-transaction timeline: what it records, that it stays bounded, and that a healthy transaction records nothing.</summary>
public sealed class TimelineTests
{
    [Fact]
    public void ARecovery_IsToldInAFewEntries_NotALinePerMessage()
    {
        var harness = new Harness(new RecoveryLimits { ReplayBatchSize = 2 });
        harness.Begin("PSP outage [by alice via admin page]");
        harness.Submit(Normal("a1"), Normal("a2"), Normal("a3"));
        harness.Submit(Recovery("r1", "fix"));
        harness.Submit(Recovery("r2", "fix"));
        harness.Submit(Recovery("r3", "done"));
        harness.ReplayAll();

        var timeline = harness.State.Timeline;
        Assert.Equal(
            [
                TimelineEventKind.RecoveryBegun, TimelineEventKind.Parked, TimelineEventKind.RecoveryMessages,
                TimelineEventKind.RecoveryCompleted, TimelineEventKind.Replayed,
            ],
            timeline.Select(e => e.Kind));
        Assert.Equal("recovery rec-1: PSP outage [by alice via admin page]", timeline[0].Text);
        Assert.Equal(3, timeline[1].Count);
        Assert.Equal((3L, "last: r3 (done)"), (timeline[2].Count, timeline[2].Text));
        Assert.Equal(3, timeline[3].Count);
        Assert.Equal(3, timeline[4].Count); // two replay batches, one entry
    }

    [Fact]
    public void FaultRetryAndSkip_AreRecorded_WithTheOperatorsReason()
    {
        var harness = new Harness();
        harness.Submit(Normal("boom", "throw"));
        harness.Adopt(harness.Machine.RetryFault(harness.State, Now, harness.NextRecoveryId));
        harness.Adopt(harness.Machine.SkipFault(harness.State, "refunded by hand [by bob via admin page]", Now));

        var timeline = harness.State.Timeline;
        Assert.Equal([TimelineEventKind.Faulted, TimelineEventKind.Retried, TimelineEventKind.Skipped], timeline.Select(e => e.Kind));
        Assert.Contains(CountingLogic.ThrowMessage, timeline[0].Text, StringComparison.Ordinal);
        Assert.Contains("failed again (attempt 2)", timeline[1].Text, StringComparison.Ordinal);
        Assert.Equal("message boom: refunded by hand [by bob via admin page]", timeline[2].Text);
    }

    [Fact]
    public void AnOperatorsRetry_KeepsWhoAndWhy_InTheTimeline()
    {
        var harness = new Harness();
        harness.Submit(Normal("boom", "throw"));
        harness.Adopt(harness.Machine.RetryFault(harness.State, Now, harness.NextRecoveryId, "after the hotfix [by bob via admin page]"));

        var retried = harness.State.Timeline[^1];
        Assert.Equal(TimelineEventKind.Retried, retried.Kind);
        Assert.StartsWith("message boom failed again (attempt 2); retried because: after the hotfix [by bob via admin page]: ", retried.Text,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => harness.Machine.RetryFault(harness.State, Now, harness.NextRecoveryId, " "));
        Assert.Throws<ArgumentException>(() =>
            harness.Machine.RetryFault(harness.State, Now, harness.NextRecoveryId, new string('x', harness.Machine.Limits.MaxReasonLength + 1)));
    }

    [Fact]
    public void AnInDoubtMessage_BeginsARecovery_NamingIt()
    {
        var harness = new Harness();
        harness.Submit(Normal("x1", "in-doubt"), Normal("a1"), Normal("a2"));
        harness.Submit(Recovery("r1", "done"));

        var timeline = harness.State.Timeline;
        Assert.Equal(TimelineEventKind.RecoveryBegun, timeline[0].Kind);
        Assert.Contains("message x1 left it in doubt", timeline[0].Text, StringComparison.Ordinal);
        Assert.Equal((TimelineEventKind.Parked, 2L), (timeline[1].Kind, timeline[1].Count)); // a1, a2: not x1, the recovery's subject
    }

    [Fact]
    public void TheTimeline_KeepsOnlyTheNewestEntries()
    {
        var harness = new Harness(new RecoveryLimits { TimelineCapacity = 4 });
        for (var i = 0; i < 10; i++)
        {
            harness.Begin($"outage {i}");
            harness.Submit(Recovery($"done-{i}", "done"));
        }

        Assert.Equal(4, harness.State.Timeline.Count);
        Assert.Equal("recovery rec-10: outage 9", harness.State.Timeline[^3].Text);
        Assert.Equal(TimelineEventKind.RecoveryCompleted, harness.State.Timeline[^1].Kind);
    }

    [Fact]
    public void AHealthyTransaction_RecordsNothing_AndNeitherDoesATimelineSwitchedOff()
    {
        var healthy = new Harness();
        for (var i = 0; i < 100; i++)
        {
            healthy.Submit(Normal($"m{i}"));
        }

        var off = new Harness(new RecoveryLimits { TimelineCapacity = 0 });
        off.Begin();
        off.Submit(Normal("a1"), Recovery("r1", "done"));
        off.ReplayAll();

        Assert.Empty(healthy.State.Timeline);
        Assert.Null(TransactionRecords.ToHeader(healthy.State).Timeline);
        Assert.Empty(off.State.Timeline);
        Assert.Null(TransactionRecords.ToHeader(off.State).Timeline);
    }

    [Fact]
    public void TheTimeline_IsStoredInTheHeader_AndReadBack()
    {
        var harness = new Harness();
        harness.Begin("why");
        harness.Submit(Normal("a1"));

        var header = TransactionRecords.ToHeader(harness.State);
        var reloaded = TransactionRecords.ToState(header, [], harness.Machine.Limits, () => null);

        Assert.Equal(harness.State.Timeline, reloaded.Timeline);
    }
}
