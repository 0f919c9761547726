using OrleansRecovery.Hosting;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// While an active transaction is recovering, checks once it may be stuck (<see cref="TransactionRecoveryOptions.StuckAfter"/>
/// after the recovery began) and every <see cref="TransactionRecoveryOptions.RegistryReconcileInterval"/> after that, so a stuck
/// recovery is logged and announced again (the first announcement may have been lost). The timer does not keep the transaction
/// active: once it is collected, the registry's reconciliation pass wakes it when it finds it stuck in storage.
/// </summary>
internal sealed class StuckAnnouncer
{
    private readonly IGrainBase _grain;
    private readonly Func<CancellationToken, Task> _check;
    private readonly TransactionRecoveryOptions _options;
    private readonly TimeProvider _time;
    private IGrainTimer? _timer;
    private string? _recoveryId;

    public StuckAnnouncer(IGrainBase grain, Func<CancellationToken, Task> check, TransactionRecoveryOptions options, TimeProvider time)
    {
        _grain = grain;
        _check = check;
        _options = options;
        _time = time;
    }

    /// <summary>Follows <paramref name="state"/>: a timer for its recovery while it is recovering, none otherwise.</summary>
    public void Follow(TransactionState state)
    {
        if (state is { Mode: TransactionMode.Recovering, Recovery: { } recovery })
        {
            if (_timer is not null && _recoveryId == recovery.RecoveryId)
            {
                return;
            }

            _timer?.Dispose();
            var due = recovery.Since + _options.StuckAfter - _time.GetUtcNow();
            _timer = _grain.RegisterGrainTimer(
                static (announcer, cancellationToken) => announcer._check(cancellationToken),
                this,
                new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, _options.RegistryReconcileInterval));
            _recoveryId = recovery.RecoveryId;
            return;
        }

        _timer?.Dispose();
        _timer = null;
        _recoveryId = null;
    }
}
