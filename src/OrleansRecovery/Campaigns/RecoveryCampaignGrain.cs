using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Orleans.Streams;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Grains.Scheduling;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Campaigns;

/// <summary>
/// A recovery campaign over an explicit set of transactions. Members are stored in fixed-size pages; a started campaign calls
/// them through a sliding <see cref="CampaignWindow"/> of <see cref="TransactionRecoveryOptions.CampaignConcurrency"/> calls at
/// once, driven by a grain timer that stores the window's cursor as it moves, and holds a reminder until it is done, so a crash
/// resumes it at the stored cursor. Calling a member again after a crash puts nobody in twice: each member remembers the campaigns
/// it joined, and a completion message is answered Duplicate the second time.
/// </summary>
internal sealed class RecoveryCampaignGrain : Grain, IRecoveryCampaignGrain, IRemindable
{
    private const string Reminder = "orleansrecovery-campaign";
    private static readonly TimeSpan MemberRetryWindow = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    private readonly TransactionRecoveryOptions _options;
    private readonly CampaignMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CampaignRate _rate = new();
    private readonly Dictionary<long, string?> _pageETags = [];
    private GrainState<CampaignRecord> _record = new(new CampaignRecord());
    private List<string>? _members;
    private HashSet<string>? _known;
    private IGrainStorage? _storage;
    private IGrainTimer? _worker;
    private readonly CampaignAnnouncements _announcements;
    private CampaignWindow? _window;
    private Phase _windowPhase;

    public RecoveryCampaignGrain(IOptions<TransactionRecoveryOptions> options, CampaignMetrics metrics, TimeProvider time,
        ILogger<RecoveryCampaignGrain> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _announcements = new CampaignAnnouncements(time);
    }

    private string CampaignId => this.GetPrimaryKeyString();

    private bool Exists => _record.RecordExists;

    private CampaignRecord Header => _record.State ??= new CampaignRecord();

    private string CompletionMessageId => $"campaign-{CampaignId}-complete";

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
        if (TransactionIds.Problem(CampaignId) is not null)
        {
            return;
        }

        await _storage.ReadStateAsync(CampaignRecord.StateName, this.GetGrainId(), _record, cancellationToken);
        _record.State ??= new CampaignRecord();
        if (HasWork)
        {
            StartWorker();
        }
    }

    /// <inheritdoc />
    public async Task<CampaignProgress> CreateAsync(string reason)
    {
        RequireUsableId();
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var limit = _options.ToLimits().MaxReasonLength;
        if (reason.Length > limit)
        {
            throw new ArgumentException($"Campaign reason is {reason.Length} characters; the limit is {limit}.", nameof(reason));
        }

        if (Exists)
        {
            return Header.Reason == reason
                ? await GetProgressAsync()
                : throw new InvalidOperationException(
                    $"Campaign '{CampaignId}' exists with another reason ('{MessageValidatorText(Header.Reason)}'); choose another campaign id.");
        }

        await WriteHeaderAsync(new CampaignRecord { Reason = reason, CreatedAt = _time.GetUtcNow(), State = CampaignState.Draft });
        _members = [];
        _known = new HashSet<string>(StringComparer.Ordinal);
        Log.CampaignCreated(_logger, CampaignId, reason);
        return await GetProgressAsync();
    }

    /// <inheritdoc />
    public async Task<long> AddMembersAsync(IReadOnlyList<string> transactionIds)
    {
        ArgumentNullException.ThrowIfNull(transactionIds);
        RequireExisting();
        if (Header.State != CampaignState.Draft)
        {
            throw new InvalidOperationException($"Campaign '{CampaignId}' was started ({Header.State}); members can only be added to a draft.");
        }

        if (transactionIds.Count > IRecoveryCampaignGrain.MaxMembersPerCall)
        {
            throw new ArgumentException(
                $"{transactionIds.Count} ids in one call; the limit is {IRecoveryCampaignGrain.MaxMembersPerCall}. Nothing was added.", nameof(transactionIds));
        }

        for (var i = 0; i < transactionIds.Count; i++)
        {
            if (TransactionIds.Problem(transactionIds[i]) is { } problem)
            {
                throw new ArgumentException($"Member {i} ('{MessageValidatorText(transactionIds[i])}'): {problem} Nothing was added.", nameof(transactionIds));
            }
        }

        var members = await MembersAsync();
        var known = _known ??= new HashSet<string>(members, StringComparer.Ordinal);
        var added = transactionIds.Distinct(StringComparer.Ordinal).Where(id => !known.Contains(id)).ToList();
        if (members.Count + added.Count > IRecoveryCampaignGrain.MaxMembers)
        {
            throw new ArgumentException(
                $"The campaign would hold {members.Count + added.Count} members; the limit is {IRecoveryCampaignGrain.MaxMembers}. Nothing was added.", nameof(transactionIds));
        }

        if (added.Count == 0)
        {
            return members.Count;
        }

        // Pages first, then the header's count: a crash in between leaves ids past the count, which are ignored and overwritten.
        var next = members.Concat(added).ToList();
        var firstPage = members.Count / CampaignMembersRecord.Capacity;
        var lastPage = (next.Count - 1) / CampaignMembersRecord.Capacity;
        try
        {
            for (var page = firstPage; page <= lastPage; page++)
            {
                var ids = next.Skip(page * CampaignMembersRecord.Capacity).Take(CampaignMembersRecord.Capacity).ToList();
                var record = new GrainState<CampaignMembersRecord>(new CampaignMembersRecord { TransactionIds = ids }, await PageETagAsync(page));
                await _storage!.WriteStateAsync(CampaignMembersRecord.StateName(page), this.GetGrainId(), record);
                _pageETags[page] = record.ETag;
            }

            var header = Copy(Header);
            header.Members = next.Count;
            await WriteHeaderAsync(header);
        }
        catch
        {
            _members = null;
            _known = null;
            _pageETags.Clear();
            throw;
        }

        _members = next;
        added.ForEach(id => known.Add(id));
        return next.Count;
    }

    /// <inheritdoc />
    public Task<CampaignProgress> StartAsync() => StartCoreAsync(null);

    /// <inheritdoc />
    public Task<CampaignProgress> StartAsync(string reason) => StartCoreAsync(CheckReason(reason, "Start"));

    private async Task<CampaignProgress> StartCoreAsync(string? reason)
    {
        RequireExisting();
        if (Header.State == CampaignState.Draft)
        {
            if (Header.Members == 0)
            {
                throw new InvalidOperationException($"Campaign '{CampaignId}' has no members; add some before starting it.");
            }

            var header = Copy(Header);
            header.State = CampaignState.Entering;
            header.StartReason = reason;
            await WriteHeaderAsync(header);
            await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
            Log.CampaignStarted(_logger, CampaignId, header.Members);
        }

        StartWorker();
        return await GetProgressAsync();
    }

    /// <inheritdoc />
    public Task<CampaignProgress> CompleteAllAsync(string type, string payload) => CompleteAllCoreAsync(type, payload, null);

    /// <inheritdoc />
    public Task<CampaignProgress> CompleteAllAsync(string type, string payload, string reason) =>
        CompleteAllCoreAsync(type, payload, CheckReason(reason, "Completion"));

    private async Task<CampaignProgress> CompleteAllCoreAsync(string type, string payload, string? reason)
    {
        RequireExisting();
        ArgumentNullException.ThrowIfNull(payload);
        var limits = _options.ToLimits();
        var probe = TransactionMessage.Recovery(CompletionMessageId, type, payload);
        if (OrleansRecovery.StateMachine.MessageValidator.Validate(probe, string.Empty, limits, out _) is { } invalid
            && invalid.Code != RejectionCode.TransactionMismatch)
        {
            throw new ArgumentException($"Completion message is invalid: {invalid.Reason}", nameof(payload));
        }

        if (Header.State == CampaignState.Draft)
        {
            throw new InvalidOperationException($"Campaign '{CampaignId}' has not been started; start it before completing its members.");
        }

        if (Header.CompletionType is null)
        {
            var header = Copy(Header);
            header.CompletionType = type;
            header.CompletionPayload = payload;
            header.CompletionReason = reason;
            await WriteHeaderAsync(header);
            Log.CampaignCompletionRequested(_logger, CampaignId, type);
        }

        StartWorker();
        _worker!.Change(TimeSpan.Zero, TickInterval); // the worker may be pacing itself at one check a second
        return await GetProgressAsync();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetMembersAsync(long offset, int count)
    {
        RequireExisting();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var members = await MembersAsync();
        return offset >= members.Count ? [] : members.Skip((int)offset).Take(Math.Min(count, 10_000)).ToList();
    }

    /// <inheritdoc />
    public async Task<CampaignProgress> GetProgressAsync()
    {
        RequireExisting();
        var record = Header;
        var counts = record.State == CampaignState.Draft
            ? new MemberCounts(0, 0, 0, 0, null, [])
            : await CampaignMembersSource.CountAsync(GrainFactory, CampaignId);
        // Members found faulted at their turn never joined, so the registry does not count them under this campaign.
        var backToNormal = Math.Max(0, record.Entered - record.Faulted - record.Failed - counts.Listed);
        _rate.Sample(_time.GetUtcNow(), backToNormal);
        var progress = new CampaignProgress
        {
            CampaignId = CampaignId,
            Reason = record.Reason,
            State = record.State,
            CreatedAt = record.CreatedAt,
            Members = record.Members,
            Entered = record.Entered,
            Completed = record.Completed,
            Failed = record.Failed,
            StartReason = record.StartReason,
            CompletionReason = record.CompletionReason,
            Recovering = counts.Recovering,
            Stuck = counts.Stuck,
            Faulted = counts.Faulted + record.Faulted,
            Replaying = counts.Replaying,
            BackToNormal = backToNormal,
            OldestSince = counts.OldestSince,
            StuckTransactions = counts.StuckTransactions,
            RatePerSecond = _rate.PerSecond,
            EstimatedRemaining = record.State == CampaignState.Done
                ? TimeSpan.Zero
                : _rate.Remaining(record.Members - record.Faulted - record.Failed - backToNormal),
        };
        _metrics.Report(progress);
        return progress;
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder || !Exists)
        {
            return;
        }

        if (Header.State is CampaignState.Entering or CampaignState.Entered)
        {
            StartWorker();
        }

        await Task.CompletedTask;
    }

    /// <summary>
    /// The campaign's reminder only brings it back after a restart (the timer does the work): the silo's reminder floor
    /// (<c>ReminderOptions.MinimumReminderPeriod</c>, 1 minute by default).
    /// </summary>
    private TimeSpan ReminderPeriod =>
        ServiceProvider.GetService<IOptions<ReminderOptions>>()?.Value.MinimumReminderPeriod is { } floor && floor > TimeSpan.Zero
            ? floor
            : TimeSpan.FromMinutes(1);

    private bool HasWork => Exists && Header.State is CampaignState.Entering or CampaignState.Entered
        && (Header.Entered < Header.Members
            || (Header.CompletionType is not null && Header.Completed < Header.Entered));

    private void StartWorker() =>
        _worker ??= this.RegisterGrainTimer(static (grain, _) => grain.TickAsync(), this,
            new GrainTimerCreationOptions(TimeSpan.Zero, TickInterval) { KeepAlive = true });

    /// <summary>
    /// One tick of the worker: start the members the window has room for (their calls run on, and report back into the window),
    /// then store how far the cursor moved. Once every member is entered (and completed, if asked), a check each second whether
    /// every member is back to Normal ends the campaign. Only this timer writes the header after the campaign started, and a tick
    /// awaits nothing but that write, so progress reads and the operator's calls never wait long behind it.
    /// </summary>
    private async Task TickAsync()
    {
        try
        {
            var phase = Header.Entered < Header.Members ? Phase.Enter
                : Header.CompletionType is not null && Header.Completed < Header.Entered ? Phase.Complete
                : (Phase?)null;
            if (phase is { } working)
            {
                await WorkAsync(working);
            }
            else if (Header.State == CampaignState.Entered
                && (await CampaignMembersSource.CountAsync(GrainFactory, CampaignId)).Listed == 0)
            {
                await FinishAsync(_time.GetUtcNow());
            }
            else if (Header.State == CampaignState.Entered)
            {
                _worker?.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }

            if (Header.State is not (CampaignState.Entering or CampaignState.Entered))
            {
                _worker?.Dispose();
                _worker = null;
            }
        }
        catch (Exception ex)
        {
            // Only the header write can fail here: the cursor stays where storage has it, and the next tick writes it again.
            Log.CampaignStepFailed(_logger, CampaignId, $"{ex.GetType().Name}: {ex.Message}");
            _worker?.Change(TimeSpan.FromSeconds(1), TickInterval);
        }
    }

    private async Task WorkAsync(Phase phase)
    {
        var members = await MembersAsync();
        var cursor = phase == Phase.Enter ? Header.Entered : Header.Completed;
        if (_window is null || _windowPhase != phase)
        {
            _window = new CampaignWindow(cursor, phase == Phase.Enter ? Header.Members : Header.Entered, _options.CampaignConcurrency);
            _windowPhase = phase;
        }

        var window = _window;
        var now = _time.GetUtcNow();
        foreach (var index in window.Start(now))
        {
            _ = CallMemberAsync(window, phase, index, members[(int)index]);
        }

        _announcements.Publish(
            batch => this.GetStreamProvider(_options.StreamProviderName)
                .GetStream<RecoveryRequested>(StreamId.Create(TransactionStreams.RecoveryRequestsNamespace, CampaignId))
                .OnNextBatchAsync(batch),
            ex => Log.CampaignAnnounceFailed(_logger, ex, CampaignId, _options.StreamProviderName));

        var (passed, faulted, failed) = window.Advance();
        if (passed == 0)
        {
            return;
        }

        var header = Copy(Header);
        header.Faulted += faulted;
        header.Failed += failed;
        if (phase == Phase.Enter)
        {
            header.Entered = window.Cursor;
            if (header.Entered >= header.Members)
            {
                header.State = CampaignState.Entered;
            }
        }
        else
        {
            header.Completed = window.Cursor;
        }

        try
        {
            await WriteHeaderAsync(header);
        }
        catch
        {
            // The window is ahead of storage now; start the phase again from the stored cursor (members repeat harmlessly).
            _window = null;
            throw;
        }

        if (window.Finished)
        {
            _window = null;
        }

        if (phase == Phase.Enter)
        {
            _metrics.Entered((int)passed);
            if (header.State == CampaignState.Entered)
            {
                Log.CampaignEntered(_logger, CampaignId, header.Members, header.Faulted, header.Failed);
            }
        }
    }

    /// <summary>
    /// Calls one member and reports the outcome into <paramref name="window"/>. A member answers its completion with Processed,
    /// Duplicate (completed before) or Rejected (e.g. no longer recovering): each is final. A call that fails (a silo down, a
    /// timeout) is retried with growing pauses for <see cref="MemberRetryWindow"/> (longer than a silo takes to be declared dead
    /// and its transactions to move); only then is the member counted as failed and logged with its id, so a campaign never stalls.
    /// </summary>
    private async Task CallMemberAsync(CampaignWindow window, Phase phase, long index, string id)
    {
        var started = _time.GetTimestamp();
        try
        {
            var member = GrainFactory.GetGrain<ITransactionGrain>(id);
            if (phase == Phase.Enter)
            {
                var joined = await member.BeginCampaignRecoveryAsync(CampaignId, Header.Reason);
                window.Observe(_time.GetElapsedTime(started));
                if (joined is { } recovery && _options.AnnounceRecoveries)
                {
                    // Finished once its request is published (CampaignAnnouncements), so the stored cursor never passes an
                    // unannounced member; its call slot is free at once, so slow queue writes do not hold the next calls back.
                    window.Called(index);
                    _announcements.Add(
                        new RecoveryRequested(id, recovery.RecoveryId, recovery.Reason, recovery.Since)
                        {
                            Subject = recovery.Subject,
                            Scope = recovery.Scope,
                            CampaignId = recovery.CampaignId,
                        },
                        () => window.Finish(index, MemberOutcome.Done));
                    return;
                }
            }
            else
            {
                await member.SubmitAsync(
                    TransactionMessage.Recovery(CompletionMessageId, Header.CompletionType!, Header.CompletionPayload ?? string.Empty) with { TransactionId = id });
                window.Observe(_time.GetElapsedTime(started));
            }

            window.Finish(index, MemberOutcome.Done);
        }
        catch (InvalidOperationException) when (phase == Phase.Enter)
        {
            window.Finish(index, MemberOutcome.Faulted);
        }
        catch (Exception ex)
        {
            window.Observe(_time.GetElapsedTime(started));
            var now = _time.GetUtcNow();
            var due = now + Backoff.Delay(TimeSpan.FromSeconds(1), window.Attempts(index) + 1, TimeSpan.FromSeconds(30));
            var (failingFor, givenUp) = window.Fail(index, now, due, MemberRetryWindow);
            if (givenUp)
            {
                Log.CampaignMemberFailed(_logger, CampaignId, id, failingFor, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private async Task FinishAsync(DateTimeOffset now)
    {
        var header = Copy(Header);
        header.State = CampaignState.Done;
        header.DoneAt = now;
        await WriteHeaderAsync(header);
        Log.CampaignDone(_logger, CampaignId);
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<List<string>> MembersAsync()
    {
        if (_members is not null)
        {
            return _members;
        }

        var members = new List<string>((int)Header.Members);
        for (var page = 0L; members.Count < Header.Members; page++)
        {
            var record = new GrainState<CampaignMembersRecord>(new CampaignMembersRecord());
            await _storage!.ReadStateAsync(CampaignMembersRecord.StateName(page), this.GetGrainId(), record);
            if (!record.RecordExists || record.State is null)
            {
                throw new InvalidOperationException($"Campaign '{CampaignId}' member page {page} is missing from storage.");
            }

            members.AddRange(record.State.TransactionIds.Take((int)(Header.Members - members.Count)));
        }

        return _members = members;
    }

    /// <summary>The stored page's ETag (null when none is stored): a page past the count may hold an add whose answer was lost.</summary>
    private async Task<string?> PageETagAsync(long page)
    {
        if (!_pageETags.TryGetValue(page, out var eTag))
        {
            var stored = new GrainState<CampaignMembersRecord>(new CampaignMembersRecord());
            await _storage!.ReadStateAsync(CampaignMembersRecord.StateName(page), this.GetGrainId(), stored);
            eTag = _pageETags[page] = stored.ETag;
        }

        return eTag;
    }

    private async Task WriteHeaderAsync(CampaignRecord next)
    {
        var attempt = new GrainState<CampaignRecord>(next, _record.ETag) { RecordExists = _record.RecordExists };
        await _storage!.WriteStateAsync(CampaignRecord.StateName, this.GetGrainId(), attempt);
        _record = attempt;
    }

    private void RequireUsableId()
    {
        if (TransactionIds.Problem(CampaignId) is { } problem)
        {
            throw new ArgumentException(problem.Replace("Transaction id", "Campaign id", StringComparison.Ordinal), "campaignId");
        }
    }

    private void RequireExisting()
    {
        RequireUsableId();
        if (!Exists)
        {
            throw new InvalidOperationException($"Campaign '{CampaignId}' does not exist; create it first.");
        }
    }

    private static CampaignRecord Copy(CampaignRecord r) => new()
    {
        Reason = r.Reason,
        State = r.State,
        CreatedAt = r.CreatedAt,
        Members = r.Members,
        Entered = r.Entered,
        Faulted = r.Faulted,
        Failed = r.Failed,
        CompletionType = r.CompletionType,
        CompletionPayload = r.CompletionPayload,
        Completed = r.Completed,
        DoneAt = r.DoneAt,
        StartReason = r.StartReason,
        CompletionReason = r.CompletionReason,
    };

    /// <summary>An operator's reason for a start or completion, checked as a creation's is.</summary>
    private string CheckReason(string reason, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var limit = _options.ToLimits().MaxReasonLength;
        return reason.Length > limit
            ? throw new ArgumentException($"{what} reason is {reason.Length} characters; the limit is {limit}.", nameof(reason))
            : reason;
    }

    private static string MessageValidatorText(string? text) => OrleansRecovery.StateMachine.MessageValidator.Truncate(text);

    private enum Phase
    {
        Enter,
        Complete,
    }
}
