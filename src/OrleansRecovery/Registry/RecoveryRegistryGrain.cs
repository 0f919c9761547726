using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Registry;

/// <summary>Gathers the registry shards for a listing; a stateless worker, so listings scale out and hold no state.</summary>
[StatelessWorker]
public sealed class RecoveryRegistryGrain : Grain, IRecoveryRegistryGrain
{
    private readonly TransactionRecoveryOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the grain.</summary>
    public RecoveryRegistryGrain(IOptions<TransactionRecoveryOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var shards = await Task.WhenAll(Enumerable.Range(0, _options.RegistryShards)
            .Select(i => GrainFactory.GetGrain<IRecoveryRegistryShardGrain>(i).ListAsync()));
        var now = _time.GetUtcNow();

        // Stuck is judged at listing time too, so an entry reported before its deadline still shows as stuck after it.
        return [.. shards.SelectMany(s => s)
            .Select(e => e.Mode == TransactionMode.Recovering && now - e.Since >= _options.StuckAfter ? e with { Stuck = true } : e)
            .Where(e => query.Mode is null || e.Mode == query.Mode)
            .Where(e => !query.StuckOnly || e.Stuck)
            .Where(e => query.Scope is null || e.Scope == query.Scope)
            .Where(e => query.CampaignId is null || e.CampaignId == query.CampaignId)
            .OrderBy(e => e.Since)
            .Take(Math.Max(0, query.Limit))];
    }

    /// <inheritdoc />
    public async Task<RegistryCounts> CountAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = await ListAsync(query with { Limit = int.MaxValue });
        return new RegistryCounts
        {
            Recovering = all.Count(e => e.Mode == TransactionMode.Recovering),
            Stuck = all.Count(e => e.Stuck),
            Faulted = all.Count(e => e.Mode == TransactionMode.Faulted),
            Replaying = all.Count(e => e.Mode == TransactionMode.Normal),
            Total = all.Count,
            OldestSince = all.Count == 0 ? null : all[0].Since,
            StuckTransactions = [.. all.Where(e => e.Stuck).Take(20).Select(e => e.TransactionId)],
        };
    }
}
