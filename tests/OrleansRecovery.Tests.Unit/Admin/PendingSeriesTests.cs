using OrleansRecovery.Admin;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit.Admin;

/// <summary>A transaction's pending depth over time, derived from its timeline by walking back from the exact present depth.</summary>
public sealed class PendingSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static TimelineEvent At(int seconds, TimelineEventKind kind, long count, long queuedSoFar) =>
        new(T0.AddSeconds(seconds), kind, "", count, queuedSoFar);

    [Fact]
    public void NoTimeline_IsThePresentOnly()
    {
        var points = PendingSeries.From(null, 4, 4, T0);
        Assert.Equal([new PendingPoint(T0, 4, null)], points);
    }

    [Fact]
    public void ARecovery_RisesWithParking_AndFallsWithReplay()
    {
        TimelineEvent[] timeline =
        [
            At(0, TimelineEventKind.RecoveryBegun, 0, 0),
            At(10, TimelineEventKind.Parked, 5, 5),
            At(20, TimelineEventKind.RecoveryMessages, 1, 5),
            At(20, TimelineEventKind.RecoveryCompleted, 5, 5),
            At(21, TimelineEventKind.Replayed, 3, 5),
        ];

        var points = PendingSeries.From(timeline, 2, 5, T0.AddSeconds(30));

        Assert.Equal(
            [(0, 0L), (0, 0L), (10, 5L), (20, 5L), (20, 5L), (21, 2L), (30, 2L)],
            points.Select(p => ((int)(p.At - T0).TotalSeconds, p.Depth)));
        Assert.Equal(
            [null, TimelineEventKind.RecoveryBegun, TimelineEventKind.Parked, TimelineEventKind.RecoveryMessages,
                TimelineEventKind.RecoveryCompleted, TimelineEventKind.Replayed, null],
            points.Select(p => p.Kind));
    }

    [Fact]
    public void MessagesParkedSinceTheLastEntry_AreOnlyInThePresent()
    {
        TimelineEvent[] timeline = [At(0, TimelineEventKind.RecoveryBegun, 0, 0)];

        // Three parked after the recovery began: counted into the next entry, not written yet.
        var points = PendingSeries.From(timeline, 3, 3, T0.AddSeconds(5));

        Assert.Equal([0L, 0L, 3L], points.Select(p => p.Depth));
    }

    [Fact]
    public void ACompletion_Anchors_WhenOlderEntriesWereDropped()
    {
        // The ring dropped the parking: the completion still says 4 waited for replay.
        TimelineEvent[] timeline =
        [
            At(20, TimelineEventKind.RecoveryCompleted, 4, 9),
            At(21, TimelineEventKind.Replayed, 4, 9),
        ];

        var points = PendingSeries.From(timeline, 0, 9, T0.AddSeconds(30));

        Assert.Equal([4L, 4L, 0L, 0L], points.Select(p => p.Depth));
    }

    [Fact]
    public void Depths_NeverGoBelowZero()
    {
        TimelineEvent[] timeline = [At(0, TimelineEventKind.Parked, 10, 10)];
        Assert.All(PendingSeries.From(timeline, 1, 10, T0.AddSeconds(1)), p => Assert.True(p.Depth >= 0));
    }

    [Fact]
    public void FromARealTimeline_EndsAtTheExactDepth_AndPeaksAtTheParkedCount()
    {
        var harness = new Harness(new RecoveryLimits { ReplayBatchSize = 2 });
        harness.Begin("outage");
        harness.Submit(Normal("a1"), Normal("a2"), Normal("a3"));
        harness.Submit(Recovery("r1", "done"));
        harness.ReplayAll();
        var state = harness.State;

        var points = PendingSeries.From(state.Timeline, state.Pending.Count, state.Counters.Queued, Now);

        Assert.Equal(0, points[0].Depth);
        Assert.Equal(3, points.Max(p => p.Depth));
        Assert.Equal(0, points[^1].Depth);
        Assert.Equal(3, points.Single(p => p.Kind == TimelineEventKind.Parked).Depth);
    }
}
