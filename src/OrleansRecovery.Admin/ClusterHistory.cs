using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansRecovery.Admin;

/// <summary>One sample of the cluster chart: what the recovery registry counted at <paramref name="At"/>.</summary>
/// <param name="At">When the registry answered (the host's clock).</param>
/// <param name="Recovering">Transactions recovering, stuck ones included.</param>
/// <param name="Stuck">Recoveries past <c>StuckAfter</c>.</param>
/// <param name="Faulted">Transactions holding a poison message.</param>
/// <param name="Replaying">Transactions back to Normal still replaying.</param>
/// <param name="Pending">Parked messages of the listed transactions (as last reported to the registry).</param>
internal sealed record ClusterSample(DateTimeOffset At, long Recovering, long Stuck, long Faulted, long Replaying, long Pending);

/// <summary>
/// The cluster chart's memory: the registry's counts sampled every refresh interval into a bounded ring
/// (<see cref="TransactionAdminOptions.HistoryCapacity"/>), by a timer of the web host from the moment it has started. Kept in
/// memory only: a restarted host starts with an empty chart (the registry itself holds the present, not the past).
/// </summary>
internal sealed class ClusterHistory
{
    private readonly SampleRing<ClusterSample> _ring;
    private long _missed;

    /// <summary>Creates an empty history.</summary>
    public ClusterHistory(int capacity, TimeSpan interval)
    {
        _ring = new SampleRing<ClusterSample>(capacity);
        Interval = interval;
    }

    /// <summary>How often a sample is taken.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Most samples kept.</summary>
    public int Capacity => _ring.Capacity;

    /// <summary>Samples that failed since the host started (the registry did not answer); they leave a gap in time, not a zero.</summary>
    public long Missed => Interlocked.Read(ref _missed);

    /// <summary>The samples, oldest first.</summary>
    public IReadOnlyList<ClusterSample> Samples => _ring.Snapshot();

    /// <summary>Adds a sample (the timer's, or a test's).</summary>
    public void Add(ClusterSample sample) => _ring.Add(sample);

    /// <summary>
    /// Starts sampling once the host has started (an Orleans client or silo in the same host is connected by then) until it
    /// stops. Without a host lifetime (a bare endpoint builder) nothing is sampled and the chart stays empty.
    /// </summary>
    public void Start(IServiceProvider services)
    {
        if (services.GetService<IHostApplicationLifetime>() is not { } lifetime)
        {
            return;
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var grains = services.GetService<IGrainFactory>();
            if (grains is not null)
            {
                _ = RunAsync(grains, services.GetService<TimeProvider>() ?? TimeProvider.System, lifetime.ApplicationStopping);
            }
        });
    }

    private async Task RunAsync(IGrainFactory grains, TimeProvider time, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    var counts = await grains.GetGrain<IRecoveryRegistryGrain>(0).CountAsync(RegistryQuery.All)
                        .WaitAsync(Interval * 4, time, stopping);
                    Add(new ClusterSample(time.GetUtcNow(), counts.Recovering, counts.Stuck, counts.Faulted, counts.Replaying, counts.Pending));
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // The cluster is restarting or unreachable: no sample this time; the page shows the gap in time.
                    Interlocked.Increment(ref _missed);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
