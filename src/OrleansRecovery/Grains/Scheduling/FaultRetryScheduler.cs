using OrleansRecovery.Hosting;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// While a transaction is faulted with attempts left (<see cref="TransactionRecoveryOptions.PoisonMaxAttempts"/>), retries the
/// held message once after a pause that doubles with each attempt; then the transaction waits for an operator (retry or skip).
/// </summary>
internal sealed class FaultRetryScheduler
{
    private readonly IGrainBase _grain;
    private readonly Func<CancellationToken, Task> _retry;
    private readonly TransactionRecoveryOptions _options;
    private IGrainTimer? _timer;

    public FaultRetryScheduler(IGrainBase grain, Func<CancellationToken, Task> retry, TransactionRecoveryOptions options)
    {
        _grain = grain;
        _retry = retry;
        _options = options;
    }

    /// <summary>True while a retry is scheduled.</summary>
    public bool Pending => _timer is not null;

    /// <summary>Schedules the next automatic retry for <paramref name="state"/>, or none when it is not faulted or out of attempts.</summary>
    public void Schedule(TransactionState? state)
    {
        _timer?.Dispose();
        _timer = null;
        if (state is not { Mode: TransactionMode.Faulted, Fault: { } fault } || fault.Attempts >= _options.PoisonMaxAttempts)
        {
            return;
        }

        var delay = Backoff.Delay(_options.PoisonRetryDelay, fault.Attempts, _options.ReplayRetryMaxDelay);
        _timer = _grain.RegisterGrainTimer(
            static (scheduler, cancellationToken) => scheduler._retry(cancellationToken),
            this,
            new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }
}
