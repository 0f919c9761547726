using OrleansRecovery.Hosting;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// Runs a transaction's replay on a grain timer, one step per tick so that calls interleave between batches (P5). A failed step is
/// retried after a pause that doubles from <see cref="TransactionRecoveryOptions.ReplayRetryBaseDelay"/> up to
/// <see cref="TransactionRecoveryOptions.ReplayRetryMaxDelay"/>; a step held by a recovery scope whose state is unknown is tried
/// again after a scope refresh. Failures and holds are shown in the transaction's status.
/// </summary>
internal sealed class ReplayScheduler
{
    private readonly IGrainBase _grain;
    private readonly Func<CancellationToken, Task> _step;
    private readonly TransactionRecoveryOptions _options;
    private IGrainTimer? _timer;

    public ReplayScheduler(IGrainBase grain, Func<CancellationToken, Task> step, TransactionRecoveryOptions options)
    {
        _grain = grain;
        _step = step;
        _options = options;
    }

    /// <summary>Consecutive failed steps; 0 while replay is healthy.</summary>
    public int Failures { get; private set; }

    /// <summary>Why the last step did not apply anything (its error, or what holds it), or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>Starts replaying (idempotent).</summary>
    public void Start() =>
        _timer ??= _grain.RegisterGrainTimer(
            static (scheduler, cancellationToken) => scheduler._step(cancellationToken),
            this,
            new GrainTimerCreationOptions(TimeSpan.Zero, _options.ReplayStepInterval) { KeepAlive = true });

    /// <summary>Stops: nothing is left to replay.</summary>
    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>A step applied what it could: back to the normal pace.</summary>
    public void Succeeded()
    {
        if (Failures > 0 || LastError is not null)
        {
            Failures = 0;
            LastError = null;
            _timer?.Change(_options.ReplayStepInterval, _options.ReplayStepInterval);
        }
    }

    /// <summary>A step failed (storage): counts it and returns the pause before the next attempt.</summary>
    public TimeSpan Failed(Exception error)
    {
        Failures++;
        LastError = $"{error.GetType().Name}: {error.Message}";
        var delay = Backoff.Delay(_options.ReplayRetryBaseDelay, Failures, _options.ReplayRetryMaxDelay);
        delay = delay < _options.ReplayStepInterval ? _options.ReplayStepInterval : delay;
        _timer?.Change(delay, delay);
        return delay;
    }

    /// <summary>A step could apply nothing now (a recovery scope's state is unknown): tried again after a scope refresh.</summary>
    public void Held(string reason)
    {
        LastError = $"Held: {reason}.";
        _timer?.Change(_options.ScopeRefreshInterval, _options.ScopeRefreshInterval);
    }
}
