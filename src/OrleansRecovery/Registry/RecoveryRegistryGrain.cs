using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Registry;

/// <summary>
/// Gathers the registry shards for a listing or a count; a stateless worker, so listings scale out and hold no state. Each shard
/// answers at most one page (filters, cursor and limit applied there), so a listing moves at most shards × limit entries.
/// </summary>
[StatelessWorker]
internal sealed class RecoveryRegistryGrain : Grain, IRecoveryRegistryGrain
{
    private readonly TransactionRecoveryOptions _options;

    /// <summary>Creates the grain.</summary>
    public RecoveryRegistryGrain(IOptions<TransactionRecoveryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var shards = await Task.WhenAll(Shards().Select(s => s.ListAsync(query)));

        // Stuck is judged by each shard at listing time, so an entry reported before its deadline still shows as stuck after it.
        return [.. shards.SelectMany(s => s).Order(RegistryView.Order).Take(Math.Max(0, query.Limit))];
    }

    /// <inheritdoc />
    public async Task<RegistryCounts> CountAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RegistryView.Merge(await Task.WhenAll(Shards().Select(s => s.CountAsync(query))));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryCampaignCounts>> CountByCampaignAsync(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RegistryView.MergeByCampaign(await Task.WhenAll(Shards().Select(s => s.CountByCampaignAsync())), limit);
    }

    private IEnumerable<IRecoveryRegistryShardGrain> Shards() =>
        Enumerable.Range(0, _options.RegistryShards).Select(i => GrainFactory.GetGrain<IRecoveryRegistryShardGrain>(i));
}
