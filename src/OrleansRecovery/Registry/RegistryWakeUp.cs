using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Registry;

/// <summary>
/// Activates every registry shard once the silo is active. After a whole-cluster restart nothing else calls the shards, and their
/// reminders come back only at the reminder service's pace (a minute or more); an active shard reconciles at once, which wakes
/// the transactions whose replay was cut off (docs/design.md, "Waking listed transactions"). Runs in the background and never
/// delays or fails the silo's start; each silo does it, which costs one call per shard.
/// </summary>
internal sealed partial class RegistryWakeUp(IGrainFactory grains, IOptions<TransactionRecoveryOptions> options, ILogger<RegistryWakeUp> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);
    private readonly CancellationTokenSource _stopping = new();

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RegistryWakeUp), ServiceLifecycleStage.Active,
            started =>
            {
                _ = Task.Run(() => WakeAllAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            stopped =>
            {
                _stopping.Cancel();
                return Task.CompletedTask;
            });

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task WakeAllAsync(CancellationToken stopping)
    {
        var shards = options.Value.RegistryShards;
        var pending = Enumerable.Range(0, shards).ToList();
        var deadline = DateTime.UtcNow + GiveUpAfter;
        var pause = TimeSpan.FromMilliseconds(500);
        while (pending.Count > 0 && !stopping.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            var results = await Task.WhenAll(pending.Select(async shard =>
            {
                try
                {
                    await grains.GetGrain<IRecoveryRegistryShardGrain>(shard).CountAsync(new RegistryQuery());
                    return -1;
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogWakeFailed(logger, shard, ex.Message);
                    return shard;
                }
            }));
            pending = results.Where(shard => shard >= 0).ToList();
            if (pending.Count > 0)
            {
                await Task.Delay(pause, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                pause = pause * 2 > TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : pause * 2;
            }
        }
    }

    [LoggerMessage(208, LogLevel.Debug, "Registry shard {Shard} could not be activated at silo start ({Error}); retrying")]
    private static partial void LogWakeFailed(ILogger logger, int shard, string error);
}
