using System.Diagnostics.Metrics;
using OrleansRecovery.Registry;

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

    /// <summary>Time from entering recovery to completing it, in seconds.</summary>
    public const string RecoveryDuration = "orleansrecovery.recovery.duration";

    /// <summary>
    /// Transactions listed by the recovery registry shards active on this silo (summed over silos: the cluster), tagged with
    /// <c>state</c>: recovering, stuck, faulted, replaying — each state reported from the start, zero included, so alerts can be
    /// written ahead. Derived from the registry, which is loaded from and reconciled with storage: it survives restarts.
    /// </summary>
    public const string Transactions = "orleansrecovery.transactions";

    /// <summary>Parked messages of the transactions listed by the registry shards active on this silo (depths refreshed by reports).</summary>
    public const string PendingDepth = "orleansrecovery.pending.depth";

    /// <summary>Poison messages held (transactions that became faulted).</summary>
    public const string Faults = "orleansrecovery.faults";

    /// <summary>Azure queue messages that could not be read as events; logged and deleted instead of stalling the queue.</summary>
    public const string UndeliverableQueueMessages = "orleansrecovery.queue.undeliverable";

    /// <summary>Counter: recovery scopes opened.</summary>
    public const string ScopesOpened = "orleansrecovery.scopes.opened";

    /// <summary>Counter: transactions put into recovery by campaigns.</summary>
    public const string CampaignEntered = "orleansrecovery.campaign.entered";

    /// <summary>
    /// Gauge: members of each campaign (tag <c>campaign</c>) by state (tag <c>state</c>: members, entered, recovering, stuck, faulted,
    /// replaying, back_to_normal), as last computed on this silo. Each state is reported from the campaign's creation on, so alerts
    /// can be written before the first stuck member.
    /// </summary>
    public const string CampaignMembers = "orleansrecovery.campaign.members";
}

/// <summary>The engine's metrics, on one meter created through <see cref="IMeterFactory"/>.</summary>
internal sealed class RecoveryMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _faults;
    private readonly Counter<long> _undeliverable;
    private readonly Histogram<double> _duration;
    private readonly RegistryCensus _census;

    /// <summary>Creates the instruments.</summary>
    internal RecoveryMetrics(IMeterFactory meterFactory, RegistryCensus census)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _census = census;
        var meter = meterFactory.Create(RecoveryInstruments.MeterName);
        _messages = meter.CreateCounter<long>(RecoveryInstruments.Messages, "{message}", "Messages answered, by outcome and kind.");
        _writes = meter.CreateCounter<long>(RecoveryInstruments.StorageWrites, "{record}", "Records written to grain storage.");
        _replayed = meter.CreateCounter<long>(RecoveryInstruments.Replayed, "{message}", "Parked messages applied by replay.");
        _started = meter.CreateCounter<long>(RecoveryInstruments.RecoveriesStarted, "{recovery}", "Recoveries started.");
        _completed = meter.CreateCounter<long>(RecoveryInstruments.RecoveriesCompleted, "{recovery}", "Recoveries completed.");
        _faults = meter.CreateCounter<long>(RecoveryInstruments.Faults, "{message}", "Poison messages held.");
        _undeliverable = meter.CreateCounter<long>(RecoveryInstruments.UndeliverableQueueMessages, "{message}",
            "Azure queue messages that could not be read as events; logged and deleted.");
        _duration = meter.CreateHistogram<double>(RecoveryInstruments.RecoveryDuration, "s", "Time from entering recovery to completing it.");
        meter.CreateObservableGauge(RecoveryInstruments.Transactions, ObserveTransactions, "{transaction}",
            "Transactions listed by this silo's registry shards, by state: recovering, stuck, faulted, replaying.");
        meter.CreateObservableGauge(RecoveryInstruments.PendingDepth, () => _census.Total.Pending, "{message}",
            "Parked messages of the transactions listed by this silo's registry shards.");
    }

    /// <summary>Counts an Azure queue message that could not be read as events.</summary>
    public void UndeliverableQueueMessage() => _undeliverable.Add(1);

    /// <summary>Counts a poison message held.</summary>
    public void Faulted() => _faults.Add(1);

    /// <summary>Records how long a completed recovery took.</summary>
    public void RecoveryLasted(TimeSpan duration) => _duration.Record(duration.TotalSeconds);

    private IEnumerable<Measurement<long>> ObserveTransactions()
    {
        var total = _census.Total;
        yield return State(total.Recovering, "recovering");
        yield return State(total.Stuck, "stuck");
        yield return State(total.Faulted, "faulted");
        yield return State(total.Replaying, "replaying");
    }

    private static Measurement<long> State(long count, string state) => new(count, new KeyValuePair<string, object?>("state", state));

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
