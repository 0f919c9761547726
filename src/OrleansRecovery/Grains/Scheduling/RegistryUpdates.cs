using OrleansRecovery.Hosting;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// Tells the registry about a transaction's state through its <see cref="RegistryReporter"/>. A report skipped by the rate limit
/// (<see cref="TransactionRecoveryOptions.RegistryReportInterval"/>) or lost to an error is caught up by a one-shot timer, so the
/// registry converges within one interval even when no further message arrives (an operator must not see a stale depth forever).
/// </summary>
internal sealed class RegistryUpdates
{
    private readonly IGrainBase _grain;
    private readonly RegistryReporter _reporter;
    private readonly Func<TransactionState?> _current;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private IGrainTimer? _catchUp;

    public RegistryUpdates(IGrainBase grain, RegistryReporter reporter, Func<TransactionState?> current, TimeProvider time,
        TimeSpan interval)
    {
        _grain = grain;
        _reporter = reporter;
        _current = current;
        _time = time;
        _interval = interval;
    }

    /// <summary>See <see cref="RegistryReporter.ListAheadAsync"/>: throws when the registry could not list the transaction.</summary>
    public Task ListAheadAsync(TransactionState next, DateTimeOffset now) => _reporter.ListAheadAsync(next, now);

    /// <summary>Reports <paramref name="state"/>; <paramref name="force"/> reports an unhealthy state regardless of the rate limit.</summary>
    public async Task ReportAsync(TransactionState state, DateTimeOffset now, bool force = false)
    {
        await _reporter.ReportAsync(state, now, force);
        if (_reporter.Behind && _catchUp is null)
        {
            _catchUp = _grain.RegisterGrainTimer(
                static async (updates, _) =>
                {
                    updates._catchUp?.Dispose();
                    updates._catchUp = null;
                    if (updates._current() is { } current)
                    {
                        await updates.ReportAsync(current, updates._time.GetUtcNow());
                    }
                },
                this,
                new GrainTimerCreationOptions(_interval, Timeout.InfiniteTimeSpan));
        }
    }
}
