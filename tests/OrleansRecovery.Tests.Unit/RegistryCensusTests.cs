using OrleansRecovery.Registry;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The gauges' source: what registry shards list, each entry in exactly one state, stuck judged at counting time.</summary>
public sealed class RegistryCensusTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(10);

    private static RegistryEntry Entry(string id, TransactionMode mode, TimeSpan age, long pending) =>
        new(id, mode, Now - age, "reason", pending, pending > 0 ? Now - age : null, Now - age);

    [Fact]
    public void EachEntryCountsInOneState_AStuckRecoveryIsNotAlsoRecovering_AndDepthsAdd()
    {
        var census = RegistryCensus.Of(
        [
            Entry("a", TransactionMode.Recovering, TimeSpan.FromMinutes(1), 2),
            Entry("b", TransactionMode.Recovering, TimeSpan.FromMinutes(11), 0),
            Entry("c", TransactionMode.Faulted, TimeSpan.FromMinutes(30), 1),
            Entry("d", TransactionMode.Normal, TimeSpan.FromSeconds(5), 7),
        ], Now, StuckAfter);

        Assert.Equal(new ShardCensus(Recovering: 1, Stuck: 1, Faulted: 1, Replaying: 1, Pending: 10), census);
    }

    [Fact]
    public void TheSilosTotal_SumsItsShards_AndForgetsADeactivatedOne()
    {
        var silo = new RegistryCensus();
        silo.Set(0, new ShardCensus(1, 0, 0, 2, 5));
        silo.Set(3, new ShardCensus(4, 1, 1, 0, 0));
        Assert.Equal(new ShardCensus(5, 1, 1, 2, 5), silo.Total);

        silo.Set(3, new ShardCensus(0, 0, 0, 0, 0));
        silo.Remove(0);
        Assert.Equal(default, silo.Total);
    }
}
