using OrleansRecovery.Registry;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// When the registry's reconciliation reads a listed transaction again: replaying and faulted entries after one interval (a crash
/// may have cut their work off), recovering ones only after the quiet period or when they may turn stuck, loaded ones at once.
/// </summary>
public sealed class ReconcileScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan I = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(15);

    private static RegistryEntry Entry(TransactionMode mode, DateTimeOffset since, bool stuck = false) =>
        new("tx-1", mode, since, "why", 1, since, since) { Stuck = stuck };

    [Theory]
    [InlineData(TransactionMode.Normal)] // replaying parked messages
    [InlineData(TransactionMode.Faulted)]
    public void AnEntryThatMayHaveWorkOfItsOwn_IsDueOneIntervalAfterItWasHeard(TransactionMode mode) =>
        Assert.Equal(T0 + I, ReconcileSchedule.DueAt(Entry(mode, T0), T0, I, StuckAfter));

    [Fact]
    public void ARecoveringEntry_IsDueOnlyAfterTheQuietPeriod()
    {
        var due = ReconcileSchedule.DueAt(Entry(TransactionMode.Recovering, T0), T0, I, StuckAfter);
        Assert.Equal(T0 + ReconcileSchedule.QuietIntervals * I, due);
        Assert.True(due - T0 > I);
    }

    [Fact]
    public void ARecoveringEntry_IsDueWhenItMayTurnStuck_IfThatComesFirst_ButNotBeforeOneInterval()
    {
        var since = T0 - StuckAfter + TimeSpan.FromMinutes(2); // stuck in 2 minutes, before the quiet period ends
        Assert.Equal(since + StuckAfter, ReconcileSchedule.DueAt(Entry(TransactionMode.Recovering, since), T0, I, StuckAfter));

        var almost = T0 - StuckAfter + TimeSpan.FromSeconds(1); // stuck in 1 s: still read one interval after it was heard
        Assert.Equal(T0 + I, ReconcileSchedule.DueAt(Entry(TransactionMode.Recovering, almost), T0, I, StuckAfter));
    }

    [Fact]
    public void AStuckEntry_IsDueOneIntervalAfterItWasHeard() =>
        Assert.Equal(T0 + I, ReconcileSchedule.DueAt(Entry(TransactionMode.Recovering, T0 - StuckAfter, stuck: true), T0, I, StuckAfter));

    [Fact]
    public void AnEntryLoadedAndNotHeardSince_IsDueAtOnce() =>
        Assert.Equal(DateTimeOffset.MinValue, ReconcileSchedule.DueAt(Entry(TransactionMode.Recovering, T0), DateTimeOffset.MinValue, I, StuckAfter));

    [Fact]
    public void AConsistentIdleEntry_StaysUnreadForTheQuietPeriod_OrUntilItsRecoveryMayTurnStuck()
    {
        Assert.Equal(T0 + ReconcileSchedule.QuietIntervals * I, ReconcileSchedule.QuietUntil(T0, null, I, StuckAfter));
        var since = T0 - StuckAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(since + StuckAfter, ReconcileSchedule.QuietUntil(T0, since, I, StuckAfter));
    }
}
