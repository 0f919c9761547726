using Microsoft.Extensions.Logging;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Hosting;
using OrleansRecovery.Registry;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Grains;

/// <summary>
/// Keeps a transaction's entry in the recovery registry current: added when it leaves healthy Normal (recovering, faulted, or
/// with parked messages), refreshed at most every <see cref="TransactionRecoveryOptions.RegistryReportInterval"/> (or at once
/// when its mode, recovery, fault or stuck flag changes), removed when it is healthy again. Report failures are logged and
/// retried at the next report; they never fail the transaction's own work.
/// </summary>
internal sealed class RegistryReporter
{
    private readonly IGrainFactory _grains;
    private readonly string _transactionId;
    private readonly TransactionRecoveryOptions _options;
    private readonly ILogger _logger;
    private RegistryEntry? _last;
    private DateTimeOffset _lastAt;
    private bool _registered;
    private bool _uncertain; // the last report failed: whether the registry lists the transaction is unknown
    private IRecoveryRegistryShardGrain? _shard;

    /// <summary>
    /// True when the registry holds an older picture than the last state offered: the report was skipped by the rate limit or
    /// failed. The grain catches up after one <see cref="TransactionRecoveryOptions.RegistryReportInterval"/>.
    /// </summary>
    public bool Behind { get; private set; }

    public RegistryReporter(IGrainFactory grains, string transactionId, TransactionRecoveryOptions options, ILogger logger)
    {
        _grains = grains;
        _transactionId = transactionId;
        _options = options;
        _logger = logger;
    }

    // The shard is fixed by the id: resolved on first use, not re-hashed at every report.
    private IRecoveryRegistryShardGrain Shard =>
        _shard ??= _grains.GetGrain<IRecoveryRegistryShardGrain>(RegistryShards.Of(_transactionId, _options.RegistryShards));

    /// <summary>The registry entry for <paramref name="state"/>, or null when the transaction is healthy.</summary>
    public RegistryEntry? EntryFor(TransactionState state, DateTimeOffset now) => EntryFor(_transactionId, state, now, _options.StuckAfter);

    /// <summary>
    /// The registry entry of transaction <paramref name="transactionId"/> in <paramref name="state"/> at <paramref name="now"/>, or
    /// null when it is healthy (Normal with nothing parked). Shared by the reports and the registry's reconciliation pass, which
    /// computes it from the transaction's stored records.
    /// </summary>
    public static RegistryEntry? EntryFor(string transactionId, TransactionState state, DateTimeOffset now, TimeSpan stuckAfter)
    {
        ArgumentNullException.ThrowIfNull(state);
        var stuck = state.IsStuck(now, stuckAfter);
        return state switch
        {
            { Mode: TransactionMode.Recovering, Recovery: { } recovery } => Entry(transactionId, state, recovery.Since, recovery.Reason, now) with
            {
                RecoveryId = recovery.RecoveryId,
                Stuck = stuck,
                Scope = recovery.Scope,
                CampaignId = recovery.CampaignId,
            },
            { Mode: TransactionMode.Faulted, Fault: { } fault } => Entry(transactionId, state, fault.Since, fault.Error, now) with
            {
                FaultMessageId = fault.Message.MessageId,
            },
            { Pending.IsEmpty: false } => Entry(transactionId, state, state.Pending.Oldest?.AdmittedAt ?? now, "Replaying parked messages.", now) with
            {
                CampaignId = state.LastRecoveryCampaignId,
            },
            _ => null,
        };
    }

    /// <summary>
    /// Lists the transaction as <paramref name="next"/> before that state is stored, when it is unhealthy and not listed yet by
    /// this activation (P12: the registry holds every unhealthy transaction, perhaps a few extra that reconciliation removes).
    /// Throws when the registry could not store it: the caller must not store <paramref name="next"/> either.
    /// </summary>
    public async Task ListAheadAsync(TransactionState next, DateTimeOffset now)
    {
        if ((_registered && !_uncertain) || EntryFor(next, now) is not { } entry)
        {
            return;
        }

        await Shard.UpsertAsync(entry);
        _registered = true;
        _uncertain = false;
        _last = entry;
        _lastAt = now;
        Behind = false;
    }

    /// <summary>Reports <paramref name="state"/> if the registry needs to hear it; <paramref name="force"/> reports an unhealthy state regardless.</summary>
    public async Task ReportAsync(TransactionState state, DateTimeOffset now, bool force = false)
    {
        var entry = EntryFor(state, now);
        try
        {
            if (entry is null)
            {
                if (_registered || force)
                {
                    // Stamped with the state's time, so the shard drops any older report that reaches it after this removal.
                    await Shard.NoteRemovedAsync(_transactionId, now);
                    _registered = false;
                    _uncertain = false;
                    _last = null;
                }

                Behind = false;
                return;
            }

            var changed = _last is null || _last.Mode != entry.Mode || _last.RecoveryId != entry.RecoveryId
                || _last.FaultMessageId != entry.FaultMessageId || _last.Stuck != entry.Stuck
                || _last.Scope != entry.Scope || _last.CampaignId != entry.CampaignId;
            if (!force && !changed && now - _lastAt < _options.RegistryReportInterval)
            {
                Behind = Behind || _last is not { } last || last.PendingCount != entry.PendingCount || last.OldestPendingSince != entry.OldestPendingSince;
                return;
            }

            await Shard.NoteAsync(entry);
            _registered = true;
            _uncertain = false;
            _last = entry;
            _lastAt = now;
            Behind = false;
        }
        catch (Exception ex)
        {
            // The next report retries; the transaction's own state is already durable.
            _last = null;
            _registered = true;
            _uncertain = true;
            Behind = true;
            Log.RegistryReportFailed(_logger, ex, _transactionId);
        }
    }

    private static RegistryEntry Entry(string transactionId, TransactionState state, DateTimeOffset since, string reason, DateTimeOffset now) =>
        new(transactionId, state.Mode, since, reason, state.Pending.Count, state.Pending.Oldest?.AdmittedAt, now);
}
