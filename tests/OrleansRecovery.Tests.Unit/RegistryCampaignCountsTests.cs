using OrleansRecovery.Registry;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The registry's per-campaign counts (the operations panel's source) and its parked depth (the cluster chart's).</summary>
public sealed class RegistryCampaignCountsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(10);

    private static RegistryEntry Entry(string id, TransactionMode mode, int minutesAgo, long pending, string? campaign, string? scope = null) =>
        new(id, mode, Now.AddMinutes(-minutesAgo), "why", pending, null, Now) { CampaignId = campaign, Scope = scope };

    [Fact]
    public void Counts_SumTheParkedDepth_AndMergeIt()
    {
        RegistryEntry[] a = [Entry("t1", TransactionMode.Recovering, 1, 3, null), Entry("t2", TransactionMode.Faulted, 1, 4, null)];
        RegistryEntry[] b = [Entry("t3", TransactionMode.Normal, 1, 5, null)];

        var merged = RegistryView.Merge([RegistryView.Count(a, new RegistryQuery(), Now, StuckAfter), RegistryView.Count(b, new RegistryQuery(), Now, StuckAfter)]);

        Assert.Equal(12, merged.Pending);
        Assert.Equal(3, merged.Total);
    }

    [Fact]
    public void ByCampaign_GroupsAcrossShards_LeavesOutUncampaigned_OldestFirst_AndBoundsTheAnswer()
    {
        RegistryEntry[] shard1 =
        [
            Entry("a1", TransactionMode.Recovering, 30, 2, "c-new"),
            Entry("a2", TransactionMode.Recovering, 11, 1, "scope-bank-b-1", "bank-b"),
            Entry("a3", TransactionMode.Recovering, 1, 0, null),
        ];
        RegistryEntry[] shard2 =
        [
            Entry("b1", TransactionMode.Faulted, 60, 0, "c-old"),
            Entry("b2", TransactionMode.Normal, 5, 7, "c-new"),
            Entry("b3", TransactionMode.Recovering, 12, 0, "scope-bank-b-1", "bank-b"),
        ];

        var all = RegistryView.MergeByCampaign(
            [RegistryView.CountByCampaign(shard1, Now, StuckAfter), RegistryView.CountByCampaign(shard2, Now, StuckAfter)], 10);

        Assert.Equal(["c-old", "c-new", "scope-bank-b-1"], all.Select(c => c.CampaignId));
        var fresh = all[1].Counts;
        Assert.Equal((1L, 0L, 1L, 2L, 9L), (fresh.Recovering, fresh.Faulted, fresh.Replaying, fresh.Total, fresh.Pending));
        var scope = all[2];
        Assert.Equal("bank-b", scope.Scope);
        Assert.Equal((2L, 2L), (scope.Counts.Recovering, scope.Counts.Stuck)); // both past StuckAfter
        Assert.Empty(scope.Counts.StuckTransactionIds);

        var first = RegistryView.MergeByCampaign(
            [RegistryView.CountByCampaign(shard1, Now, StuckAfter), RegistryView.CountByCampaign(shard2, Now, StuckAfter)], 1);
        Assert.Equal(["c-old"], first.Select(c => c.CampaignId));
    }
}
