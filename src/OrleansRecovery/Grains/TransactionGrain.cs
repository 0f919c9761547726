using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Grains.Scheduling;
using OrleansRecovery.Hosting;
using OrleansRecovery.Logic;
using OrleansRecovery.Registry;
using OrleansRecovery.Scopes;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Grains;

/// <summary>
/// Governs one transaction: loads its records, asks <see cref="RecoveryStateMachine"/> what to do, stores what it decided, and
/// only then answers. Receives messages through <see cref="ITransactionGrain"/> calls and through an implicit subscription to
/// <see cref="TransactionStreams.InboundNamespace"/>; replays parked messages on a grain timer. While it is not healthy
/// (recovering, faulted, or with parked messages) it is listed in the recovery registry — listed before the write that makes it
/// unhealthy, so no crash leaves an unhealthy transaction unlisted — and the registry's reconciliation pass wakes it when it has
/// work of its own (a replay cut off by a crash, a fault retry, a stuck recovery to announce again): no reminder per transaction.
/// </summary>
/// <remarks>
/// The grain is reentrant so that concurrent submissions can wait together, but every decision runs through one
/// <see cref="WorkQueue"/>, one at a time and in arrival order: concurrent submissions are decided as a group and share one
/// storage write (group commit), and each caller is answered only after the write that covers its message.
/// </remarks>
[Reentrant]
[ImplicitStreamSubscription(TransactionStreams.InboundNamespace)]
internal sealed class TransactionGrain : Grain, ITransactionGrain, ITransactionWakeGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<object>
{
    private readonly RecoveryStateMachine _machine;
    private readonly ITransactionLogic _logic;
    private readonly TransactionRecoveryOptions _options;
    private readonly RecoveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WorkQueue _work;
    private RecoveryScopeDirectory? _scopeDirectory;
    private ITransactionRecordStore? _store;
    private string? _keyProblem;
    private TransactionState? _state;
    private ReplayScheduler? _replay;
    private FaultRetryScheduler? _faultRetry;
    private RegistryUpdates? _registry;
    private StuckAnnouncer? _stuck;
    private AnnouncementGate? _announcements;

    /// <summary>Creates the grain; the logic, options and metrics come from the silo's services.</summary>
    public TransactionGrain(ITransactionLogic logic, IOptions<TransactionRecoveryOptions> options, RecoveryMetrics metrics,
        ILogger<TransactionGrain> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logic = logic;
        _options = options.Value;
        _machine = new RecoveryStateMachine(logic, _options.ToLimits());
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _work = new WorkQueue(FlushAsync, _options.GroupCommitMaxMessages);
    }

    private string TransactionId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = TransactionRecordStores.For(ServiceProvider, _options.StorageProviderName, this.GetGrainId(), TransactionId);
        _scopeDirectory = ServiceProvider.GetRequiredService<RecoveryScopeDirectory>();
        _announcements = ServiceProvider.GetRequiredService<AnnouncementGate>();

        _replay = new ReplayScheduler(this, ct => _work.RunExclusiveAsync(async () =>
        {
            await ReplayStepAsync(ct);
            return true;
        }), _options);
        _faultRetry = new FaultRetryScheduler(this, RetryFaultAutomaticallyAsync, _options);
        _registry = new RegistryUpdates(this, new RegistryReporter(GrainFactory, TransactionId, _options, _logger), () => _state, _time,
            _options.RegistryReportInterval);
        _stuck = new StuckAnnouncer(this, AnnounceIfStuckAsync, _options, _time);
        _keyProblem = TransactionIds.Problem(TransactionId);
        if (_keyProblem is not null)
        {
            // An unusable key could alias another transaction's records: read nothing, store nothing, reject every message.
            _state = _machine.NewState(TransactionId);
            return;
        }

        // P1: the mode is read from storage before any message is classified; P5: an interrupted replay resumes now.
        var state = await LoadAsync(cancellationToken);

        _stuck.Follow(state);
        if (state.ReplayDue)
        {
            _replay.Start();
        }

        _faultRetry.Schedule(state);
        if (state.IsListed)
        {
            _registry.Report(state, force: true);
        }
    }

    /// <inheritdoc />
    public async Task<SubmitResult> SubmitAsync(TransactionMessage message) => (await _work.SubmitAsync([message]))[0];

    /// <inheritdoc />
    public Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<TransactionMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _work.SubmitAsync(messages);
    }

    /// <inheritdoc />
    public Task<RecoveryInfo> BeginRecoveryAsync(string reason) => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(CancellationToken.None);
        var transition = _machine.BeginRecovery(state, TransactionId, reason, _time.GetUtcNow(), NewRecoveryId());
        await CommitAsync(transition, CancellationToken.None);
        return _state!.Recovery!;
    });

    /// <inheritdoc />
    public Task<RecoveryInfo?> BeginCampaignRecoveryAsync(string campaignId, string reason) => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(CancellationToken.None);
        var transition = _machine.BeginCampaignRecovery(state, TransactionId, campaignId, reason, _time.GetUtcNow(), NewRecoveryId());

        // The campaign announces its members itself, many to a queue message (RecoveryCampaignGrain).
        await CommitAsync(transition, CancellationToken.None, announce: false);
        return transition.AlreadyJoined && _state!.Mode != TransactionMode.Recovering ? null : _state!.Recovery;
    });

    /// <inheritdoc />
    public Task<TransactionStatus> GetStatusAsync() =>
        _work.RunExclusiveAsync(async () => Status(await CurrentAsync(CancellationToken.None)));

    /// <inheritdoc />
    public Task<TransactionStatus> RetryFaultedAsync() => RetryFaultedCoreAsync(null);

    /// <inheritdoc />
    public Task<TransactionStatus> RetryFaultedAsync(string reason) => RetryFaultedCoreAsync(reason ?? throw new ArgumentNullException(nameof(reason)));

    private Task<TransactionStatus> RetryFaultedCoreAsync(string? reason) => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(CancellationToken.None);
        await CommitAsync(_machine.RetryFault(state, _time.GetUtcNow(), NewRecoveryId, reason), CancellationToken.None);
        return Status(_state!);
    });

    /// <inheritdoc />
    public Task<TransactionStatus> SkipFaultedAsync(string reason) => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(CancellationToken.None);
        await CommitAsync(_machine.SkipFault(state, reason, _time.GetUtcNow()), CancellationToken.None);
        return Status(_state!);
    });

    /// <inheritdoc />
    public Task<object?> GetDataAsync() =>
        _work.RunExclusiveAsync(async () => (await CurrentAsync(CancellationToken.None)).Data);

    /// <inheritdoc />
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);

        // Subscribed as object so that a foreign event type is answered (rejected and kept) instead of failing delivery forever;
        // as a batch observer so that the events of one queue message (and of consecutive ones, BatchContainerBatchSize) arrive
        // in one call and are stored with one write instead of one write each (docs/design.md, "Streams").
        await handleFactory.Create<object>().ResumeAsync(this);
    }

    /// <summary>
    /// Handles the inbound stream events Orleans delivers together, in stream order. Consecutive messages are submitted as one
    /// submission (one group of writes); the call completes only after the writes covering every event, and throws only when
    /// storage failed (so the events are redelivered and answered <c>Duplicate</c> where already stored). Anything that can
    /// never succeed is rejected, counted and kept in the status, never thrown back.
    /// </summary>
    public async Task OnNextAsync(IList<SequentialItem<object>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new List<TransactionMessage?>(Math.Min(items.Count, _options.MaxBatchSize));
        foreach (var item in items)
        {
            if (item.Item is TransactionMessage message)
            {
                run.Add(message);
                if (run.Count == _options.MaxBatchSize)
                {
                    await SubmitRunAsync(run);
                }

                continue;
            }

            await SubmitRunAsync(run);
            await RejectForeignEventAsync(item.Item);
        }

        await SubmitRunAsync(run);
    }

    /// <summary>Submits the messages gathered so far as one submission (nothing when there are none) and starts a new run.</summary>
    private async Task SubmitRunAsync(List<TransactionMessage?> run)
    {
        if (run.Count == 0)
        {
            return;
        }

        var messages = run.ToArray();
        run.Clear();
        await _work.SubmitAsync(messages);
    }

    private Task<bool> RejectForeignEventAsync(object? item)
    {
        var type = item?.GetType().FullName ?? "null";
        Log.ForeignStreamEvent(_logger, TransactionId, type);
        return _work.RunExclusiveAsync(async () =>
        {
            var state = await CurrentAsync(CancellationToken.None);
            var transition = _machine.RejectEvent(state,
                $"Stream event of type {type} is not a {nameof(TransactionMessage)}.", _time.GetUtcNow());
            await CommitAsync(transition, CancellationToken.None);
            _metrics.Answered(transition.Results[0], null);
            return true;
        });
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex)
    {
        Log.StreamError(_logger, ex, TransactionId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WakeAsync() => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(CancellationToken.None);
        if (state.ReplayDue)
        {
            _replay!.Start();
        }

        if (state.Mode == TransactionMode.Faulted && !_faultRetry!.Pending)
        {
            _faultRetry.Schedule(state);
        }

        // A stuck recovery is announced by the StuckAnnouncer's timer, due at once once stuck: announcing here too would send it twice.
        _stuck!.Follow(state);
        _registry!.Report(state, force: true);
        return true;
    });

    /// <summary>Decides a group of submissions that waited together, stores it with one group of writes, then answers each.</summary>
    private async Task FlushAsync(IReadOnlyList<Submission> group)
    {
        var state = await CurrentAsync(CancellationToken.None);
        var submissions = new IReadOnlyList<TransactionMessage?>[group.Count];
        for (var i = 0; i < submissions.Length; i++)
        {
            submissions[i] = group[i].Messages;
        }

        var scopes = await _scopeDirectory!.ViewAsync(_machine.ScopesOf(TransactionId, state.Data));
        var transition = _machine.SubmitGroup(state, TransactionId, submissions, _time.GetUtcNow(), NewRecoveryId, scopes);
        await CommitAsync(transition, CancellationToken.None);
        var offset = 0;
        foreach (var submission in group)
        {
            // Indexed slice: Skip(offset) would walk the list from its start for every submission of a large group.
            var answers = new SubmitResult[submission.Messages.Count];
            for (var i = 0; i < answers.Length; i++)
            {
                answers[i] = transition.Results[offset + i];
                _metrics.Answered(answers[i], submission.Messages[i]?.Kind);
                if (answers[i].Outcome == SubmitOutcome.Rejected)
                {
                    Log.MessageRejected(_logger, TransactionId, answers[i].MessageId, answers[i].Code, answers[i].Reason);
                }
            }

            offset += submission.Messages.Count;
            submission.Done.TrySetResult(answers);
        }
    }

    private TransactionStatus Status(TransactionState state)
    {
        var now = _time.GetUtcNow();
        var oldest = state.Pending.Oldest?.AdmittedAt;
        return new TransactionStatus
        {
            TransactionId = TransactionId,
            Mode = state.Mode,
            Recovery = state.Recovery,
            PendingCount = state.Pending.Count,
            OldestPendingSince = oldest,
            OldestPendingAge = oldest is { } since ? now - since : null,
            Counters = state.Counters,
            RecentRejections = [.. state.Rejections],
            Replaying = state.ReplayDue,
            ReplayFailures = _replay?.Failures ?? 0,
            LastReplayError = _replay?.LastError,
            Fault = state.Fault,
            Stuck = state.IsStuck(now, _options.StuckAfter),
            Timeline = state.Timeline,
        };
    }

    private async Task<TransactionState> CurrentAsync(CancellationToken cancellationToken) =>
        _state ?? await LoadAsync(cancellationToken);

    private async Task<TransactionState> LoadAsync(CancellationToken cancellationToken)
    {
        if (_keyProblem is not null)
        {
            return _state ??= _machine.NewState(TransactionId);
        }

        var transactionId = TransactionId;
        var state = await _store!.LoadAsync(_machine.Limits, () => _logic.CreateInitialData(transactionId), cancellationToken);
        _state = state;
        Log.Loaded(_logger, transactionId, state.Mode, state.Pending.Count);
        return state;
    }

    /// <summary>
    /// Stores a transition's records, then adopts its state. On failure nothing is adopted, and the in-memory state is dropped
    /// so the next decision reloads what storage really holds (P8: a write that failed after reaching storage is not lost either).
    /// </summary>
    private async Task CommitAsync(Transition transition, CancellationToken cancellationToken, bool announce = true)
    {
        if (_keyProblem is not null)
        {
            // Only rejections reach here for an unusable key; they are answered and counted, never stored.
            _state = transition.State;
            return;
        }

        if (!transition.Writes.IsEmpty)
        {
            // P12: a transaction about to become unhealthy is listed first; a crash before its own write leaves an extra entry,
            // which the registry's reconciliation removes, never an unhealthy transaction nobody would wake.
            await _registry!.ListAheadAsync(transition.State, _time.GetUtcNow());
            try
            {
                await _store!.WriteAsync(transition.State, transition.Writes, cancellationToken);
            }
            catch (Exception ex)
            {
                _state = null;
                Log.WriteFailed(_logger, ex, TransactionId);
                throw;
            }

            _metrics.Wrote(transition.Writes.RecordCount);
        }

        var before = _state;
        _state = transition.State;
        if (transition.StartedRecovery is { } started && _state.Recovery?.RecoveryId == started.RecoveryId)
        {
            _metrics.RecoveryStarted();
            Log.RecoveryStarted(_logger, TransactionId, started.RecoveryId, started.Reason);

            // Not awaited: the recovery is durable and answered now; the queue write must not hold the caller back. An
            // announcement lost to a crash is sent again once the recovery is stuck.
            if (announce)
            {
                _ = AnnounceAsync(started);
            }
        }

        // From the transition, not by comparing modes: a group may complete a recovery and start another (Recovering → Recovering).
        foreach (var ended in transition.Completed)
        {
            _metrics.RecoveryCompleted();
            _metrics.RecoveryLasted(_time.GetUtcNow() - ended.Since);
            Log.RecoveryCompleted(_logger, TransactionId, ended.RecoveryId, _state.Pending.Count);
        }

        if (_state.ReplayDue)
        {
            _replay!.Start();
        }

        if (!ReferenceEquals(before?.Fault, _state.Fault))
        {
            if (_state.Fault is { } fault)
            {
                if (before?.Fault is null)
                {
                    _metrics.Faulted();
                }

                Log.Faulted(_logger, TransactionId, fault.Message.MessageId, fault.Attempts, fault.Error);
            }

            _faultRetry!.Schedule(_state);
        }

        // A healthy transaction that was healthy before (the common case) has nothing to tell the registry.
        if (_state.IsListed || before is null || before.IsListed)
        {
            _stuck!.Follow(_state);
            _registry!.Report(_state);
        }
    }

    /// <summary>An automatic retry of the held poison message (see <see cref="FaultRetryScheduler"/>).</summary>
    private async Task RetryFaultAutomaticallyAsync(CancellationToken cancellationToken) => await _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(cancellationToken);
        if (state is { Mode: TransactionMode.Faulted, Fault: { } held } && held.Attempts < _options.PoisonMaxAttempts)
        {
            await CommitAsync(_machine.RetryFault(state, _time.GetUtcNow(), NewRecoveryId), cancellationToken);
        }

        return true;
    });

    /// <summary>
    /// One replay step: one batch of parked entries, one header write (P5). A failed step is retried with exponential backoff
    /// (<see cref="TransactionRecoveryOptions.ReplayRetryBaseDelay"/> doubling up to <see cref="TransactionRecoveryOptions.ReplayRetryMaxDelay"/>),
    /// and the failure count and last error are shown in the status, so a storage outage is neither hammered nor invisible.
    /// </summary>
    private async Task ReplayStepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = await CurrentAsync(cancellationToken);
            if (state.ReplayDue)
            {
                var scopes = await _scopeDirectory!.ViewAsync(_machine.ScopesOf(TransactionId, state.Data));
                var transition = _machine.ReplayBatch(state, TransactionId, _time.GetUtcNow(), NewRecoveryId, scopes);
                if (transition.HeldBy is { } heldBy)
                {
                    // Not a failure: the scope's state is unknown on this silo; try again after a scope refresh.
                    _replay!.Held(heldBy);
                    return;
                }

                await CommitAsync(transition, cancellationToken);
                _metrics.ReplayedEntries(transition.Replayed);
                await ClearGarbageAsync(transition.Writes.Garbage, cancellationToken);
            }

            _replay!.Succeeded();
            if (_state is { ReplayDue: false } done)
            {
                _replay.Stop();
                Log.ReplayFinished(_logger, TransactionId, done.Pending.ReplayPosition);
            }
        }
        catch (Exception ex)
        {
            // The state was dropped by CommitAsync; a later tick reloads and retries, after a growing pause.
            var delay = _replay!.Failed(ex);
            Log.ReplayStepFailed(_logger, ex, TransactionId, _replay.Failures, delay);
        }
    }

    private async Task ClearGarbageAsync(IEnumerable<long> garbage, CancellationToken cancellationToken)
    {
        try
        {
            await _store!.ClearAsync(garbage, cancellationToken);
        }
        catch (Exception ex)
        {
            Log.ClearFailed(_logger, ex, TransactionId);
        }
    }

    /// <summary>The <see cref="StuckAnnouncer"/>'s check, run in turn with the transaction's other work.</summary>
    private Task<bool> AnnounceIfStuckAsync(CancellationToken cancellationToken) => _work.RunExclusiveAsync(async () =>
    {
        var state = await CurrentAsync(cancellationToken);
        if (state.IsStuck(_time.GetUtcNow(), _options.StuckAfter) && state.Recovery is { } recovery)
        {
            // Stuck: say so, and ask the recovery agents again (the first announcement may have been lost).
            Log.RecoveryStuck(_logger, TransactionId, recovery.RecoveryId, recovery.Since, _options.StuckAfter);
            _ = AnnounceAsync(recovery);
        }

        return true;
    });

    private async Task AnnounceAsync(RecoveryInfo recovery)
    {
        if (!_options.AnnounceRecoveries)
        {
            return;
        }

        try
        {
            var stream = this.GetStreamProvider(_options.StreamProviderName)
                .GetStream<RecoveryRequested>(StreamId.Create(TransactionStreams.RecoveryRequestsNamespace, TransactionId));
            var request = new RecoveryRequested(TransactionId, recovery.RecoveryId, recovery.Reason, recovery.Since)
            {
                Subject = recovery.Subject,
                Scope = recovery.Scope,
                CampaignId = recovery.CampaignId,
            };
            await _announcements!.SendAsync(() => stream.OnNextAsync(request));
        }
        catch (Exception ex)
        {
            // The recovery is durable and visible in status; a lost announcement is re-sent by stuck detection.
            Log.AnnounceFailed(_logger, ex, TransactionId, recovery.RecoveryId, _options.StreamProviderName);
        }
    }

    private static string NewRecoveryId() => Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    /// <remarks>
    /// Read from the last acknowledged state (<see cref="CommittedAsync"/>), not through the work queue: an operator paging a deep log
    /// during a replay or a burst of submissions is answered at once, and sees only what storage already holds.
    /// </remarks>
    public async Task<PendingPage> GetPendingAsync(long from, int take)
    {
        PendingPage.Validate(from, take);
        return PendingPages.Read(await CommittedAsync(), TransactionId, from, take);
    }

    /// <inheritdoc />
    /// <remarks>A pure function over the last acknowledged state; nothing is written, nothing adopted (see <see cref="GetPendingAsync"/>).</remarks>
    public async Task<ReplayPreview> PreviewReplayAsync(int max)
    {
        ReplayPreview.Validate(max);
        return _machine.PreviewReplay(await CommittedAsync(), TransactionId, max);
    }

    /// <summary>
    /// The last acknowledged state, without waiting behind the work queue: <c>_state</c> is immutable and replaced only after the
    /// write covering it succeeded, so any value read is one storage holds. After a failed write it is null; then the read waits its
    /// turn and reloads, as every decision does.
    /// </summary>
    private Task<TransactionState> CommittedAsync() =>
        _state is { } committed ? Task.FromResult(committed) : _work.RunExclusiveAsync(() => CurrentAsync(CancellationToken.None));
}
