using OrleansRecovery.Hosting;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// Tells the registry about a transaction's state through its <see cref="RegistryReporter"/>, off the transaction's own path:
/// <see cref="Report"/> returns at once, and reports go out one at a time, the newest state replacing any not yet sent. Only
/// listing ahead (<see cref="ListAheadAsync"/>) is awaited, because it must land before the write that makes the transaction
/// unhealthy (P12); every other report — a depth, a mode change, a removal — is a view the registry's reconciliation repairs if
/// it is lost, and a caller must not wait for the registry's page writes to be answered. A report skipped by the rate limit
/// (<see cref="TransactionRecoveryOptions.RegistryReportInterval"/>) or lost to an error is caught up by a one-shot timer, so the
/// registry converges within one interval even when no further message arrives.
/// </summary>
internal sealed class RegistryUpdates
{
    private readonly IGrainBase _grain;
    private readonly RegistryReporter _reporter;
    private readonly Func<TransactionState?> _current;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private IGrainTimer? _catchUp;
    private TransactionState? _next;
    private bool _nextForced;
    private Task _sending = Task.CompletedTask;

    public RegistryUpdates(IGrainBase grain, RegistryReporter reporter, Func<TransactionState?> current, TimeProvider time,
        TimeSpan interval)
    {
        _grain = grain;
        _reporter = reporter;
        _current = current;
        _time = time;
        _interval = interval;
    }

    /// <summary>
    /// Lists the transaction as <paramref name="next"/> before that state is stored (see <see cref="RegistryReporter.ListAheadAsync"/>),
    /// after any report still being sent (a removal in flight must not be mistaken for a listing). Throws when the registry could
    /// not list it.
    /// </summary>
    public async Task ListAheadAsync(TransactionState next, DateTimeOffset now)
    {
        await _sending;
        await _reporter.ListAheadAsync(next, now);
    }

    /// <summary>Queues a report of <paramref name="state"/>; <paramref name="force"/> reports an unhealthy state regardless of the rate limit.</summary>
    public void Report(TransactionState state, bool force = false)
    {
        _next = state;
        _nextForced |= force;
        if (_sending.IsCompleted)
        {
            _sending = SendAsync();
        }
    }

    private async Task SendAsync()
    {
        while (_next is { } state)
        {
            var force = _nextForced;
            _next = null;
            _nextForced = false;

            // The reporter logs and remembers its own failures (Behind); it never throws.
            await _reporter.ReportAsync(state, _time.GetUtcNow(), force);
        }

        if (_reporter.Behind && _catchUp is null)
        {
            _catchUp = _grain.RegisterGrainTimer(
                static (updates, _) =>
                {
                    updates._catchUp?.Dispose();
                    updates._catchUp = null;
                    if (updates._current() is { } current)
                    {
                        updates.Report(current);
                    }

                    return Task.CompletedTask;
                },
                this,
                new GrainTimerCreationOptions(_interval, Timeout.InfiniteTimeSpan));
        }
    }
}
