using Microsoft.Extensions.Logging;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Grains.Scheduling;

/// <summary>
/// The reminder an unhealthy transaction holds (recovering, faulted, or with parked messages), every
/// <see cref="TransactionRecoveryOptions.WatchdogPeriod"/>: it re-activates a transaction whose replay was cut off by a crash, so
/// it resumes without waiting for a message (P5), and checks for stuck recoveries. Registered when the transaction becomes
/// unhealthy, removed when it is healthy again; a failure to do either is logged and tried again at the next change.
/// </summary>
internal sealed class Watchdog
{
    /// <summary>The reminder's name.</summary>
    public const string ReminderName = "orleansrecovery-watchdog";

    private readonly Grain _grain;
    private readonly TimeSpan _period;
    private readonly ILogger _logger;
    private readonly string _transactionId;

    public Watchdog(Grain grain, TimeSpan period, ILogger logger, string transactionId)
    {
        _grain = grain;
        _period = period;
        _logger = logger;
        _transactionId = transactionId;
    }

    /// <summary>True when the reminder is known to be registered.</summary>
    public bool IsSet { get; set; }

    /// <summary>Registers (<paramref name="on"/>) or removes the reminder, if that changes anything.</summary>
    public async Task SetAsync(bool on)
    {
        if (_period <= TimeSpan.Zero || on == IsSet)
        {
            return;
        }

        try
        {
            if (on)
            {
                await _grain.RegisterOrUpdateReminder(ReminderName, _period, _period);
            }
            else if (await _grain.GetReminder(ReminderName) is { } reminder)
            {
                await _grain.UnregisterReminder(reminder);
            }

            IsSet = on;
        }
        catch (Exception ex)
        {
            Log.WatchdogFailed(_logger, ex, _transactionId);
        }
    }
}
