using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Grains;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Registry;

/// <summary>
/// A registry shard. Keeps the abnormal transactions that hash to it in memory and in small numbered page records of the
/// transaction storage provider (<see cref="RegistryStateNames"/>): a change rewrites the one page holding the entry (plus the
/// fixed-size meta record when the page high-water mark moves), so its cost does not grow with the number listed (P13), and
/// there is no cap short of memory. Changes arriving while a write is in flight are written together (group commit: each
/// dirty page once); each caller is answered after the write covering its change. A reconciliation pass, on a timer kept alive
/// by a reminder, checks entries no report refreshed against the transactions' stored records (P12); see
/// <see cref="ReconcileAsync"/> for its bound.
/// </summary>
[Reentrant]
internal sealed class RecoveryRegistryShardGrain : Grain, IRecoveryRegistryShardGrain, IRemindable
{
    /// <summary>
    /// Slots per page. An entry of a GUID-named recovering transaction with a recovery id, scope, campaign and a 120-character
    /// reason serializes to about 305 bytes, so 6 of them keep a page write under 2 KB (8 would be about 2.4 KB).
    /// </summary>
    internal const int SlotsPerPage = 6;

    /// <summary>Pages read at once when a shard activates.</summary>
    internal const int LoadBatch = 32;

    /// <summary>Page writes in flight at once in one flush.</summary>
    internal const int WriteConcurrency = 32;

    /// <summary>Most transactions one reconciliation pass reads from storage.</summary>
    internal const int ReconcileBudget = 256;

    /// <summary>Transactions read at once by a reconciliation pass.</summary>
    internal const int ReconcileConcurrency = 8;

    /// <summary>Most removals remembered against late reports.</summary>
    internal const int TombstoneCapacity = 10_000;

    /// <summary>How often the shard recounts its entries for the silo's gauges.</summary>
    internal static readonly TimeSpan CensusInterval = TimeSpan.FromSeconds(2);

    /// <summary>Delay of the first reconciliation pass after the shard activates (at most one interval).</summary>
    internal static readonly TimeSpan FirstPassDelay = TimeSpan.FromSeconds(2);

    private const string ReconcileReminder = "orleansrecovery-registry-reconcile";

    private readonly TransactionRecoveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RegistryCensus _census;
    private readonly RegistryPages _pages = new(SlotsPerPage);
    private readonly RegistryTombstones _tombstones;
    private readonly Dictionary<long, string?> _pageETags = [];
    private readonly Dictionary<string, DateTimeOffset> _checkedAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unheardSinceLoad = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _quietUntil = new(StringComparer.Ordinal);
    private Dictionary<long, List<TaskCompletionSource>> _waiting = [];
    private Task? _flushLoop;
    private IGrainStorage? _storage;
    private string? _metaETag;
    private long _storedPageCount;
    private bool _legacyMigrated;
    private bool _broken;
    private bool _reconciling;

    /// <summary>Creates the shard.</summary>
    public RecoveryRegistryShardGrain(IOptions<TransactionRecoveryOptions> options, TimeProvider time, RegistryCensus census,
        ILogger<RecoveryRegistryShardGrain> logger)
    {
        _census = census;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;

        // A removal is remembered long enough for any report sent before it to arrive (reports are at most one interval apart,
        // and a retried one is sent one interval later), and at least a minute for slow networks.
        var keep = TimeSpan.FromTicks(Math.Max(2 * _options.RegistryReportInterval.Ticks, TimeSpan.FromMinutes(1).Ticks));
        _tombstones = new RegistryTombstones(keep, TombstoneCapacity);
    }

    private long Shard => this.GetPrimaryKeyLong();

    private IGrainStorage Storage => _storage ?? throw new InvalidOperationException("The shard is not activated.");

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
        var started = Stopwatch.GetTimestamp();
        await LoadAsync(cancellationToken);
        if (!_legacyMigrated)
        {
            await MigrateLegacyAsync(cancellationToken);
        }

        Log.RegistryShardLoaded(_logger, Shard, _pages.Count, _pages.PageCount, Stopwatch.GetElapsedTime(started));

        // Entries just loaded are due at once, however recent their last report: after a restart nothing else wakes their
        // transactions, so the first pass runs shortly after activation rather than one interval later.
        _unheardSinceLoad.UnionWith(_pages.Entries.Select(e => e.TransactionId));
        var first = _options.RegistryReconcileInterval < FirstPassDelay ? _options.RegistryReconcileInterval : FirstPassDelay;
        this.RegisterGrainTimer(static (grain, _) => grain.ReconcileAsync(), this,
            new GrainTimerCreationOptions(first, _options.RegistryReconcileInterval)
            {
                Interleave = true,
                KeepAlive = true,
            });
        // The silo's gauges count what this shard lists (RegistryCensus): at once, then every CensusInterval.
        PublishCensus();
        this.RegisterGrainTimer(static grain =>
        {
            grain.PublishCensus();
            return Task.CompletedTask;
        }, this, new GrainTimerCreationOptions(CensusInterval, CensusInterval) { Interleave = true });
        await EnsureReminderAsync();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _census.Remove(Shard);
        return Task.CompletedTask;
    }

    private void PublishCensus() => _census.Set(Shard, RegistryCensus.Of([.. _pages.Entries], _time.GetUtcNow(), _options.StuckAfter));

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // The reminder's work is done by activating the shard after a restart; the activation starts the reconciliation timer.
        Task.CompletedTask;

    /// <inheritdoc />
    public Task UpsertAsync(RegistryEntry entry) => UpsertAsync(entry, waitForStorage: true);

    /// <inheritdoc />
    public Task NoteAsync(RegistryEntry entry) => UpsertAsync(entry, waitForStorage: false);

    /// <inheritdoc />
    public Task RemoveAsync(string transactionId, DateTimeOffset reportedAt) => RemoveAsync(transactionId, reportedAt, waitForStorage: true);

    /// <inheritdoc />
    public Task NoteRemovedAsync(string transactionId, DateTimeOffset reportedAt) => RemoveAsync(transactionId, reportedAt, waitForStorage: false);

    private async Task UpsertAsync(RegistryEntry entry, bool waitForStorage)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ThrowIfBroken();
        entry = RegistryView.Compact(entry);
        var now = _time.GetUtcNow();
        if (_tombstones.Supersedes(entry.TransactionId, entry.UpdatedAt, now))
        {
            return; // a report sent before the transaction's removal, arriving after it
        }

        var known = _pages.Get(entry.TransactionId);
        if (known is not null && known.UpdatedAt > entry.UpdatedAt)
        {
            return; // an older report overtaken by a newer one
        }

        _checkedAt[entry.TransactionId] = now;
        _unheardSinceLoad.Remove(entry.TransactionId);
        _quietUntil.Remove(entry.TransactionId);
        if (known is not null && SameIdentity(known, entry))
        {
            // Only the depth, its age or the report time changed (the periodic refresh): keep it in memory. Storage holds what
            // must survive a restart (that the transaction is listed, in which mode, since when, why); after a restart the
            // transaction's next report or watchdog tick brings the depth back, and stuck is judged again at listing time.
            _pages.Replace(entry);
            return;
        }

        await StoreAsync(_pages.Put(entry), waitForStorage);
    }

    /// <inheritdoc />
    private async Task RemoveAsync(string transactionId, DateTimeOffset reportedAt, bool waitForStorage)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        ThrowIfBroken();
        if (_pages.Get(transactionId) is { } known && known.UpdatedAt > reportedAt)
        {
            return; // the transaction reported again after this removal was sent
        }

        _tombstones.Add(transactionId, reportedAt, _time.GetUtcNow());
        _checkedAt.Remove(transactionId);
        _unheardSinceLoad.Remove(transactionId);
        _quietUntil.Remove(transactionId);
        if (_pages.Remove(transactionId) is { } page)
        {
            await StoreAsync(page, waitForStorage);
        }
    }

    /// <summary>
    /// Waits for the group write covering <paramref name="page"/>, or only starts it: a noted change is written with the next
    /// group (changes noted meanwhile join it, so a burst costs a write per page, not per change); if that write fails the
    /// page is reloaded from storage and reconciliation repairs what the lost change would have.
    /// </summary>
    private Task StoreAsync(long page, bool waitForStorage)
    {
        var stored = CommitAsync(page);
        if (waitForStorage)
        {
            return stored;
        }

        stored.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RegistryEntry>> ListAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult<IReadOnlyList<RegistryEntry>>(
            RegistryView.Page(_pages.Entries, query, _time.GetUtcNow(), _options.StuckAfter));
    }

    /// <inheritdoc />
    public Task<RegistryShardCounts> CountAsync(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult(RegistryView.Count(_pages.Entries, query, _time.GetUtcNow(), _options.StuckAfter));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RegistryCampaignCounts>> CountByCampaignAsync() =>
        Task.FromResult(RegistryView.CountByCampaign(_pages.Entries, _time.GetUtcNow(), _options.StuckAfter));

    private static bool SameIdentity(RegistryEntry a, RegistryEntry b) =>
        a.Mode == b.Mode && a.Since == b.Since && a.Reason == b.Reason && a.RecoveryId == b.RecoveryId
        && a.FaultMessageId == b.FaultMessageId && a.Stuck == b.Stuck && a.Scope == b.Scope && a.CampaignId == b.CampaignId;

    private void ThrowIfBroken()
    {
        if (_broken)
        {
            throw new InvalidOperationException($"Registry shard {Shard} lost track of its stored pages and is deactivating; retry.");
        }
    }

    // ---- Loading and migration ----

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var meta = new GrainState<RegistryShardMetaRecord>(new RegistryShardMetaRecord());
        await Storage.ReadStateAsync(RegistryStateNames.Meta, this.GetGrainId(), meta, cancellationToken);
        if (meta.RecordExists && meta.State is { SchemaVersion: > RegistryShardMetaRecord.CurrentSchemaVersion } newer)
        {
            // A newer release wrote these pages; refuse rather than rewrite them in a layout it may not read.
            throw new InvalidOperationException(
                $"Registry shard {Shard} was written in layout {newer.SchemaVersion} by a newer OrleansRecovery; this silo reads " +
                $"layouts up to {RegistryShardMetaRecord.CurrentSchemaVersion}.");
        }

        _metaETag = meta.ETag;
        _storedPageCount = meta.RecordExists ? meta.State?.PageCount ?? 0 : 0;
        _legacyMigrated = meta.RecordExists && meta.State is { LegacyMigrated: true };

        // Pages are read in parallel batches: a shard of 62,500 entries (7,813 pages) loads in seconds, not minutes.
        for (long first = 0; first < _storedPageCount; first += LoadBatch)
        {
            var batch = await Task.WhenAll(
                Enumerable.Range(0, (int)Math.Min(LoadBatch, _storedPageCount - first))
                    .Select(i => ReadPageAsync(first + i, cancellationToken)));
            foreach (var (page, slots) in batch)
            {
                _pages.LoadPage(page, slots);
            }
        }

        _pages.EnsurePageCount(_storedPageCount);
    }

    private async Task<(long Page, RegistryEntry?[]? Slots)> ReadPageAsync(long page, CancellationToken cancellationToken)
    {
        var state = new GrainState<RegistryPageRecord>(new RegistryPageRecord());
        await Storage.ReadStateAsync(RegistryStateNames.Page(page), this.GetGrainId(), state, cancellationToken);
        _pageETags[page] = state.ETag;
        return (page, state.RecordExists ? state.State?.Slots : null);
    }

    /// <summary>
    /// Moves the entries of the single-record layout into pages, then clears that record, then notes the migration in the meta
    /// record. A crash in between repeats the move at the next activation; entries already in pages are kept (newer report wins).
    /// </summary>
    private async Task MigrateLegacyAsync(CancellationToken cancellationToken)
    {
        var legacy = new GrainState<RegistryShardRecord>(new RegistryShardRecord());
        await Storage.ReadStateAsync(RegistryStateNames.Legacy, this.GetGrainId(), legacy, cancellationToken);
        var entries = legacy.RecordExists ? legacy.State?.Entries.Values.ToList() ?? [] : [];
        var pages = new SortedSet<long>();
        foreach (var entry in entries)
        {
            if (_pages.Get(entry.TransactionId) is { } held && held.UpdatedAt >= entry.UpdatedAt)
            {
                continue;
            }

            pages.Add(_pages.Put(RegistryView.Compact(entry)));
        }

        if (pages.Count > 0)
        {
            await Task.WhenAll(pages.Select(CommitAsync));
        }

        if (_flushLoop is { } loop)
        {
            await loop; // its high-water write must not race the one below
        }

        if (legacy.RecordExists)
        {
            await Storage.ClearStateAsync(RegistryStateNames.Legacy, this.GetGrainId(), legacy, cancellationToken);
            Log.RegistryShardMigrated(_logger, Shard, entries.Count);
        }

        _legacyMigrated = true;
        await WriteMetaAsync(Math.Max(_storedPageCount, _pages.PageCount));
    }

    private async Task WriteMetaAsync(long pageCount)
    {
        var meta = new GrainState<RegistryShardMetaRecord>(
            new RegistryShardMetaRecord { PageCount = pageCount, LegacyMigrated = _legacyMigrated }, _metaETag);
        await Storage.WriteStateAsync(RegistryStateNames.Meta, this.GetGrainId(), meta);
        _metaETag = meta.ETag;
        _storedPageCount = pageCount;
    }

    // ---- Group commit ----

    /// <summary>Waits until a write covering the current content of <paramref name="page"/> succeeded (fails if it failed).</summary>
    private Task CommitAsync(long page)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryGetValue(page, out var waiters))
        {
            _waiting[page] = waiters = [];
        }

        waiters.Add(done);
        if (_flushLoop is null || _flushLoop.IsCompleted)
        {
            _flushLoop = FlushLoopAsync();
        }

        return done.Task;
    }

    private async Task FlushLoopAsync()
    {
        // Yield once so that changes arriving in the same turn burst join the first flush.
        await Task.Yield();
        while (_waiting.Count > 0 && !_broken)
        {
            var batch = _waiting;
            _waiting = [];
            await FlushAsync(batch);
        }

        if (_broken)
        {
            Fail(_waiting.Values.SelectMany(w => w), new InvalidOperationException($"Registry shard {Shard} is deactivating; retry."));
            _waiting = [];
        }
    }

    private async Task FlushAsync(Dictionary<long, List<TaskCompletionSource>> batch)
    {
        var pages = new SortedSet<long>(_pages.DirtyPages);
        pages.UnionWith(batch.Keys);

        // Pages past the stored high-water mark are invisible to the next activation until the mark covers them: raise it first.
        if (_pages.PageCount > _storedPageCount)
        {
            try
            {
                await WriteMetaAsync(_pages.PageCount);
            }
            catch (Exception ex)
            {
                foreach (var page in pages)
                {
                    await FailPageAsync(page, batch, ex);
                }

                return;
            }
        }

        var work = pages.Select(p => (Page: p, Slots: _pages.Snapshot(p))).ToList();
        for (var i = 0; i < work.Count; i += WriteConcurrency)
        {
            var chunk = work.Skip(i).Take(WriteConcurrency).ToList();
            var results = await Task.WhenAll(chunk.Select(async w =>
            {
                try
                {
                    await WritePageAsync(w.Page, w.Slots);
                    return (Exception?)null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }));

            for (var j = 0; j < chunk.Count; j++)
            {
                var (page, slots) = chunk[j];
                if (results[j] is { } failure)
                {
                    await FailPageAsync(page, batch, failure);
                    continue;
                }

                _pages.MarkStored(page, slots);
                if (batch.Remove(page, out var waiters))
                {
                    waiters.ForEach(w => w.TrySetResult());
                }
            }
        }

        await TrimAsync();
    }

    private async Task WritePageAsync(long page, RegistryEntry?[] slots)
    {
        _pageETags.TryGetValue(page, out var eTag);
        if (slots.Length == 0)
        {
            // An empty page is deleted rather than stored empty; one never stored needs nothing.
            if (eTag is not null)
            {
                var cleared = new GrainState<RegistryPageRecord>(new RegistryPageRecord(), eTag) { RecordExists = true };
                await Storage.ClearStateAsync(RegistryStateNames.Page(page), this.GetGrainId(), cleared);
                _pageETags[page] = cleared.ETag;
            }

            return;
        }

        var state = new GrainState<RegistryPageRecord>(new RegistryPageRecord { Slots = slots }, eTag);
        await Storage.WriteStateAsync(RegistryStateNames.Page(page), this.GetGrainId(), state);
        _pageETags[page] = state.ETag;
    }

    /// <summary>
    /// A write of <paramref name="page"/> failed: bring back what storage holds for it (a change queued for the next flush on that
    /// page is lost with it), and fail every caller waiting on it; reporters retry. If even that read fails, the shard no longer
    /// knows what it stored and deactivates.
    /// </summary>
    private async Task FailPageAsync(long page, Dictionary<long, List<TaskCompletionSource>> batch, Exception failure)
    {
        var callers = new List<TaskCompletionSource>();
        if (batch.Remove(page, out var inFlight))
        {
            callers.AddRange(inFlight);
        }

        if (_waiting.Remove(page, out var queued))
        {
            callers.AddRange(queued);
        }

        Log.RegistryPageWriteFailed(_logger, failure, Shard, page, callers.Count);
        Fail(callers, failure);
        try
        {
            var (_, slots) = page < _storedPageCount ? await ReadPageAsync(page, CancellationToken.None) : (page, null);
            foreach (var other in _pages.LoadPage(page, slots).Where(p => p != page))
            {
                // A duplicate found in another page must be stored without it.
                if (!_waiting.ContainsKey(other))
                {
                    _waiting[other] = [];
                }
            }
        }
        catch (Exception ex)
        {
            Log.RegistryShardReloadFailed(_logger, ex, Shard);
            _broken = true;
            DeactivateOnIdle();
        }
    }

    private static void Fail(IEnumerable<TaskCompletionSource> callers, Exception failure)
    {
        foreach (var caller in callers)
        {
            caller.TrySetException(failure);
        }
    }

    /// <summary>Lowers the stored high-water mark once trailing pages are empty and deleted. Best effort.</summary>
    private async Task TrimAsync()
    {
        var pageCount = _pages.TrimTrailing();
        if (pageCount >= _storedPageCount || _waiting.Count > 0)
        {
            return;
        }

        try
        {
            await WriteMetaAsync(pageCount);
        }
        catch (Exception ex)
        {
            // Harmless: a higher mark only makes the next activation read a few absent pages.
            Log.RegistryPageWriteFailed(_logger, ex, Shard, -1, 0);
        }
    }

    // ---- Reconciliation (P12) ----

    /// <summary>
    /// One reconciliation pass, every <see cref="TransactionRecoveryOptions.RegistryReconcileInterval"/> (I): entries neither
    /// reported nor checked within I are checked against the transaction's stored records (read directly from storage, without
    /// activating the transaction), oldest first, at most <see cref="ReconcileBudget"/> per pass. An entry of a healthy
    /// transaction is removed, an entry whose mode or identity differs from storage is fixed, and a transaction whose stored
    /// state shows a replay due (Normal with parked messages) is woken so it resumes. Convergence bound: an entry that storage
    /// contradicts and that no report refreshes is corrected within <c>I + (⌈S / 256⌉ + 1) × I</c> of the shard being active,
    /// where S is the number of the shard's entries not refreshed within I (at most 3 × I, 90 s by default, while S ≤ 256); an
    /// entry that a pass already found consistent and idle is read again only <see cref="ReconcileSchedule.QuietIntervals"/> × I later (5 minutes by
    /// default), or when its recovery turns stuck if sooner, and so is an entry last reported as recovering and not stuck
    /// (<see cref="ReconcileSchedule.DueAt"/>), so a lost removal of such an entry is corrected within that plus the same pass bound;
    /// after a restart every silo activates every shard once it is active (<see cref="RegistryWakeUp"/>, the shard's reminder is the
    /// safety net), and the first pass runs <see cref="FirstPassDelay"/> after activation with every loaded entry due.
    /// </summary>
    private async Task ReconcileAsync()
    {
        if (_reconciling || _broken)
        {
            return;
        }

        _reconciling = true;
        try
        {
            var now = _time.GetUtcNow();
            var interval = _options.RegistryReconcileInterval;
            var due = _pages.Entries
                .Select(e => (Entry: e, Seen: LastSeen(e)))
                .Where(x => now >= ReconcileSchedule.DueAt(x.Entry, x.Seen, interval, _options.StuckAfter) && !(_quietUntil.TryGetValue(x.Entry.TransactionId, out var until) && now < until))
                .OrderBy(x => x.Seen)
                .Take(ReconcileBudget)
                .Select(x => x.Entry)
                .ToList();
            if (due.Count == 0)
            {
                return;
            }

            var outcomes = new List<ReconcileOutcome>(due.Count);
            for (var i = 0; i < due.Count; i += ReconcileConcurrency)
            {
                outcomes.AddRange(await Task.WhenAll(due.Skip(i).Take(ReconcileConcurrency).Select(CheckAsync)));
            }

            var removed = outcomes.Count(o => o == ReconcileOutcome.Removed);
            var fixedUp = outcomes.Count(o => o == ReconcileOutcome.Fixed);
            var woken = outcomes.Count(o => o == ReconcileOutcome.Woken);
            if (removed + fixedUp + woken > 0)
            {
                Log.RegistryReconciled(_logger, Shard, due.Count, removed, fixedUp, woken);
            }
        }
        finally
        {
            _reconciling = false;
        }
    }

    private DateTimeOffset LastSeen(RegistryEntry entry) =>
        _unheardSinceLoad.Contains(entry.TransactionId) ? DateTimeOffset.MinValue
        : _checkedAt.TryGetValue(entry.TransactionId, out var checkedAt) && checkedAt > entry.UpdatedAt ? checkedAt : entry.UpdatedAt;

    private async Task<ReconcileOutcome> CheckAsync(RegistryEntry listed)
    {
        var id = listed.TransactionId;
        try
        {
            var readAt = _time.GetUtcNow();
            // Reading the records through the storage provider does not activate the transaction (no traffic to it).
            var store = OrleansRecovery.Storage.TransactionRecordStores.For(ServiceProvider, _options.StorageProviderName,
                GrainFactory.GetGrain<ITransactionGrain>(id).GetGrainId(), id);
            var state = await store.LoadAsync(_options.ToLimits(), static () => null, CancellationToken.None);
            _checkedAt[id] = _time.GetUtcNow();
            _unheardSinceLoad.Remove(id);
            if (!ReferenceEquals(_pages.Get(id), listed))
            {
                return ReconcileOutcome.Unchanged; // a report or removal arrived meanwhile; it is newer than this read
            }

            var expected = RegistryReporter.EntryFor(id, state, readAt, _options.StuckAfter);
            var outcome = ReconcileOutcome.Unchanged;
            _quietUntil.Remove(id);
            if (expected is null)
            {
                _tombstones.Add(id, readAt, _time.GetUtcNow());
                if (_pages.Remove(id) is { } page)
                {
                    await CommitAsync(page);
                }

                return ReconcileOutcome.Removed;
            }

            // The report time stays the last report's, so any report the transaction sends later still wins.
            expected = RegistryView.Compact(expected) with { UpdatedAt = listed.UpdatedAt };
            if (!SameIdentity(listed, expected))
            {
                await CommitAsync(_pages.Put(expected));
                outcome = ReconcileOutcome.Fixed;
            }
            else
            {
                _pages.Replace(expected);
            }

            if (HasOwnWork(state, readAt))
            {
                // The transaction resumes its replay, schedules its fault retry or announces its stuck recovery again; its
                // reports then keep the entry current.
                await GrainFactory.GetGrain<ITransactionWakeGrain>(id).WakeAsync();
                outcome = ReconcileOutcome.Woken;
            }
            else if (outcome == ReconcileOutcome.Unchanged)
            {
                // Consistent and idle: read it again after QuietIntervals, or as soon as its recovery may be stuck.
                _quietUntil[id] = ReconcileSchedule.QuietUntil(readAt, state.Recovery?.Since, _options.RegistryReconcileInterval, _options.StuckAfter);
            }

            return outcome;
        }
        catch (Exception ex)
        {
            _checkedAt[id] = _time.GetUtcNow();
            _unheardSinceLoad.Remove(id);
            Log.RegistryReconcileFailed(_logger, ex, Shard, id);
            return ReconcileOutcome.Failed;
        }
    }

    /// <summary>
    /// Work a listed transaction does without any message reaching it: a replay cut off by a crash, an automatic retry of its held
    /// message, or announcing its stuck recovery again. No reminder per transaction does this; the reconciliation pass does.
    /// </summary>
    private bool HasOwnWork(OrleansRecovery.StateMachine.TransactionState state, DateTimeOffset now) =>
        state.ReplayDue
        || state is { Mode: TransactionMode.Faulted, Fault: { } fault } && fault.Attempts < _options.PoisonMaxAttempts
        || state.IsStuck(now, _options.StuckAfter);

    private async Task EnsureReminderAsync()
    {
        try
        {
            // At least the silo's minimum reminder period (1 minute by default): the reminder only brings the shard back after a
            // restart; the timer does the work at the configured interval.
            var minimum = ServiceProvider.GetService<IOptions<ReminderOptions>>()?.Value.MinimumReminderPeriod ?? TimeSpan.FromMinutes(1);
            var period = _options.RegistryReconcileInterval > minimum ? _options.RegistryReconcileInterval : minimum;
            if (await this.GetReminder(ReconcileReminder) is null)
            {
                await this.RegisterOrUpdateReminder(ReconcileReminder, period, period);
            }
        }
        catch (Exception ex)
        {
            Log.RegistryReminderFailed(_logger, ex, Shard);
        }
    }

    private enum ReconcileOutcome
    {
        Unchanged,
        Removed,
        Fixed,
        Woken,
        Failed,
    }
}
