using System.Diagnostics.Metrics;

namespace OrleansRecovery.Diagnostics;

/// <summary>Instrument names of the <c>OrleansRecovery</c> meter.</summary>
public static class RecoveryInstruments
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansRecovery";

    /// <summary>Messages answered, tagged with <c>outcome</c> and <c>kind</c>.</summary>
    public const string Messages = "orleansrecovery.messages";

    /// <summary>Records written to grain storage (headers and segments).</summary>
    public const string StorageWrites = "orleansrecovery.storage.writes";

    /// <summary>Parked messages applied by replay.</summary>
    public const string Replayed = "orleansrecovery.messages.replayed";

    /// <summary>Recoveries started.</summary>
    public const string RecoveriesStarted = "orleansrecovery.recoveries.started";

    /// <summary>Recoveries completed.</summary>
    public const string RecoveriesCompleted = "orleansrecovery.recoveries.completed";
}

/// <summary>The engine's metrics, on one meter created through <see cref="IMeterFactory"/>.</summary>
public sealed class RecoveryMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;

    /// <summary>Creates the instruments.</summary>
    public RecoveryMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(RecoveryInstruments.MeterName);
        _messages = meter.CreateCounter<long>(RecoveryInstruments.Messages, "{message}", "Messages answered, by outcome and kind.");
        _writes = meter.CreateCounter<long>(RecoveryInstruments.StorageWrites, "{record}", "Records written to grain storage.");
        _replayed = meter.CreateCounter<long>(RecoveryInstruments.Replayed, "{message}", "Parked messages applied by replay.");
        _started = meter.CreateCounter<long>(RecoveryInstruments.RecoveriesStarted, "{recovery}", "Recoveries started.");
        _completed = meter.CreateCounter<long>(RecoveryInstruments.RecoveriesCompleted, "{recovery}", "Recoveries completed.");
    }

    /// <summary>Counts one answer.</summary>
    public void Answered(SubmitResult result, MessageKind? kind)
    {
        if (_messages.Enabled)
        {
            _messages.Add(1,
                new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()),
                new KeyValuePair<string, object?>("kind", kind?.ToString() ?? "Unknown"));
        }
    }

    /// <summary>Counts records written.</summary>
    public void Wrote(int records) => _writes.Add(records);

    /// <summary>Counts replayed entries.</summary>
    public void ReplayedEntries(int count) => _replayed.Add(count);

    /// <summary>Counts a recovery start.</summary>
    public void RecoveryStarted() => _started.Add(1);

    /// <summary>Counts a recovery completion.</summary>
    public void RecoveryCompleted() => _completed.Add(1);
}
