using System.Collections.Concurrent;

namespace OrleansRecovery.Registry;

/// <summary>
/// What the registry shards active on this silo list, by state: the source of the <c>orleansrecovery.transactions</c> and
/// <c>orleansrecovery.pending.depth</c> gauges. A shard loads its entries from storage and reconciles them with the transactions'
/// records, so these gauges converge to what storage holds (P12) — after a restart, and whether or not the transactions are active.
/// Summed over the silos, they count the cluster (a shard is active on one silo at a time). One per silo.
/// </summary>
internal sealed class RegistryCensus
{
    private readonly ConcurrentDictionary<long, ShardCensus> _shards = new();

    /// <summary>Replaces what shard <paramref name="shard"/> lists.</summary>
    public void Set(long shard, ShardCensus census) => _shards[shard] = census;

    /// <summary>Forgets shard <paramref name="shard"/> (deactivated on this silo).</summary>
    public void Remove(long shard) => _shards.TryRemove(shard, out _);

    /// <summary>The sum over the shards active on this silo.</summary>
    public ShardCensus Total => _shards.Values.Aggregate(default(ShardCensus), (sum, s) => sum + s);

    /// <summary>
    /// Counts what <paramref name="entries"/> list at <paramref name="now"/> with the registry's own count
    /// (<see cref="RegistryView.Count"/>), each entry in exactly one state: a stuck recovery is not also counted as recovering.
    /// </summary>
    public static ShardCensus Of(IReadOnlyCollection<RegistryEntry> entries, DateTimeOffset now, TimeSpan stuckAfter)
    {
        var counts = RegistryView.Count(entries, new RegistryQuery(), now, stuckAfter).Counts;
        return new ShardCensus(counts.Recovering - counts.Stuck, counts.Stuck, counts.Faulted, counts.Replaying,
            entries.Sum(e => e.PendingCount));
    }
}

/// <summary>A shard's entries by state (recovering excludes stuck), and their parked messages.</summary>
internal readonly record struct ShardCensus(long Recovering, long Stuck, long Faulted, long Replaying, long Pending)
{
    /// <summary>The sum of two censuses.</summary>
    public static ShardCensus operator +(ShardCensus a, ShardCensus b) =>
        new(a.Recovering + b.Recovering, a.Stuck + b.Stuck, a.Faulted + b.Faulted, a.Replaying + b.Replaying, a.Pending + b.Pending);
}
