using OrleansRecovery.Client;

namespace OrleansRecovery;

/// <summary>
/// Conveniences over <see cref="IGrainFactory"/> for recovery scopes and campaigns: open or close a scope, start a campaign from a
/// list of transaction ids (created, filled in pages, started), complete its members with a recovery message the application
/// chooses per member, and count what the recovery registry lists.
/// </summary>
public static class RecoveryCampaignClientExtensions
{
    /// <summary>Members read per <see cref="IRecoveryCampaignGrain.GetMembersAsync"/> call while completing a campaign.</summary>
    public const int MembersPageSize = 1_000;

    /// <summary>The grain of recovery scope <paramref name="scope"/>.</summary>
    /// <exception cref="ArgumentException">The name breaks the scope name rule (<see cref="RecoveryScopes.Problem"/>).</exception>
    public static IRecoveryScopeGrain GetRecoveryScope(this IGrainFactory grains, string scope)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (RecoveryScopes.Problem(scope) is { } problem)
        {
            throw new ArgumentException(problem, nameof(scope));
        }

        return grains.GetGrain<IRecoveryScopeGrain>(scope);
    }

    /// <summary>The grain of recovery campaign <paramref name="campaignId"/>.</summary>
    /// <exception cref="ArgumentException">The id breaks the transaction id rule (<see cref="TransactionIds.Problem"/>).</exception>
    public static IRecoveryCampaignGrain GetRecoveryCampaign(this IGrainFactory grains, string campaignId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (CampaignIdProblem(campaignId) is { } problem)
        {
            throw new ArgumentException(problem, nameof(campaignId));
        }

        return grains.GetGrain<IRecoveryCampaignGrain>(campaignId);
    }

    /// <summary>Null when <paramref name="campaignId"/> is a usable campaign id, otherwise what is wrong with it.</summary>
    public static string? CampaignIdProblem(string? campaignId) =>
        TransactionIds.Problem(campaignId)?.Replace("Transaction id", "Campaign id", StringComparison.Ordinal);

    /// <summary>
    /// Opens recovery of <paramref name="scope"/>: every transaction of the scope parks its normal messages and enters recovery on
    /// its next message. Returns once every silo acts on the opening (after the scope lease, 2 s by default). Idempotent.
    /// </summary>
    /// <exception cref="ArgumentException">(On the task.) The scope name or the reason is unusable.</exception>
    public static async Task<RecoveryScopeState> OpenRecoveryScopeAsync(this IGrainFactory grains, string scope, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return await grains.GetRecoveryScope(scope).OpenAsync(reason).ConfigureAwait(false);
    }

    /// <summary>Closes recovery of <paramref name="scope"/>; transactions already recovering complete one by one. Idempotent.</summary>
    /// <exception cref="ArgumentException">(On the task.) The scope name is unusable.</exception>
    public static async Task<RecoveryScopeState> CloseRecoveryScopeAsync(this IGrainFactory grains, string scope) =>
        await grains.GetRecoveryScope(scope).CloseAsync().ConfigureAwait(false);

    /// <summary>
    /// Creates campaign <paramref name="campaignId"/>, adds <paramref name="transactionIds"/> in pages of
    /// <see cref="IRecoveryCampaignGrain.MaxMembersPerCall"/>, and starts it. Every id is checked before anything is sent. Safe to
    /// repeat after a failure with the same reason and ids (creating and adding are idempotent) as long as it was not started.
    /// </summary>
    /// <exception cref="ArgumentException">An id is unusable (the message names its position), there are none, or more than
    /// <see cref="IRecoveryCampaignGrain.MaxMembers"/>; nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">The campaign exists with another reason, or was started before the ids were added.</exception>
    public static async Task<CampaignProgress> StartRecoveryCampaignAsync(this IGrainFactory grains, string campaignId, string reason,
        IEnumerable<string> transactionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var campaign = grains.GetRecoveryCampaign(campaignId);
        var ids = transactionIds.ToList();
        if (ids.Count == 0)
        {
            throw new ArgumentException("A campaign needs at least one transaction id.", nameof(transactionIds));
        }

        if (ids.Count > IRecoveryCampaignGrain.MaxMembers)
        {
            throw new ArgumentException($"{ids.Count} transaction ids; a campaign holds at most {IRecoveryCampaignGrain.MaxMembers}.",
                nameof(transactionIds));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (TransactionIds.Problem(ids[i]) is { } problem)
            {
                throw new ArgumentException($"Transaction id {i} ('{ids[i]}'): {problem}", nameof(transactionIds));
            }
        }

        await campaign.CreateAsync(reason).ConfigureAwait(false);
        foreach (var page in ids.Chunk(IRecoveryCampaignGrain.MaxMembersPerCall))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await campaign.AddMembersAsync(page).ConfigureAwait(false);
        }

        return await campaign.StartAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Bulk completion where the application supplies the message: pages through the campaign's entered members and submits
    /// <paramref name="recoveryMessageFor"/>(member) to each, at most <paramref name="concurrency"/> at a time. Use a message id
    /// that is stable per member (e.g. <c>"{campaign}-done"</c>) so that running this again is answered with duplicates.
    /// Members not yet entered are left alone: call it once the campaign is <see cref="CampaignState.Entered"/>. A failure of one
    /// member (its message is malformed, the delegate throws, the call fails) is counted and the others go on.
    /// </summary>
    /// <returns>How the members answered.</returns>
    /// <exception cref="InvalidOperationException">The campaign does not exist or was not started.</exception>
    public static async Task<CampaignCompletionTally> CompleteRecoveryCampaignAsync(this IGrainFactory grains, string campaignId,
        Func<string, TransactionMessage> recoveryMessageFor, int concurrency = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recoveryMessageFor);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var campaign = grains.GetRecoveryCampaign(campaignId);
        var progress = await campaign.GetProgressAsync().ConfigureAwait(false);
        if (progress.State == CampaignState.Draft)
        {
            throw new InvalidOperationException($"Campaign '{campaignId}' has not been started; start it before completing its members.");
        }

        var tally = new CampaignCompletionTally.Builder();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        for (long offset = 0; offset < progress.Entered; offset += MembersPageSize)
        {
            var count = (int)Math.Min(MembersPageSize, progress.Entered - offset);
            var page = await campaign.GetMembersAsync(offset, count).ConfigureAwait(false);
            await Parallel.ForEachAsync(page, parallel, async (member, _) =>
            {
                try
                {
                    var message = recoveryMessageFor(member)
                        ?? throw new InvalidOperationException("The recovery message function returned null.");
                    if (message.Kind != MessageKind.Recovery)
                    {
                        throw new ArgumentException($"Message '{message.MessageId}' is a {message.Kind} message; completing needs a Recovery message.");
                    }

                    tally.Add(member, await grains.SubmitAsync(member, message).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    tally.Fail(member, ex);
                }
            }).ConfigureAwait(false);
            if (page.Count < count)
            {
                break;
            }
        }

        return tally.Build();
    }

    /// <summary>Counts what the recovery registry lists for <paramref name="query"/> by state (its limit does not apply).</summary>
    public static async Task<RegistryCounts> CountTransactionsAsync(this IGrainFactory grains, RegistryQuery? query = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return await grains.GetGrain<IRecoveryRegistryGrain>(0).CountAsync(query ?? RegistryQuery.All).ConfigureAwait(false);
    }
}

/// <summary>How a campaign's members answered <see cref="RecoveryCampaignClientExtensions.CompleteRecoveryCampaignAsync"/>.</summary>
public sealed record CampaignCompletionTally
{
    /// <summary>Most rejections and failures kept as examples.</summary>
    public const int MaxExamples = 20;

    /// <summary>Members the message was sent to (or meant for).</summary>
    public long Members => Processed + Queued + Duplicate + Rejected + Failed;

    /// <summary>Members that applied their message (its recovery completed, or goes on, as the application decided).</summary>
    public long Processed { get; init; }

    /// <summary>Members that parked it (should not happen for a recovery message; counted for completeness).</summary>
    public long Queued { get; init; }

    /// <summary>Members that had already seen the message id (a repeated completion).</summary>
    public long Duplicate { get; init; }

    /// <summary>Members that refused the message (e.g. no longer recovering, or the application rejected it).</summary>
    public long Rejected { get; init; }

    /// <summary>Members whose message could not be made or sent (the delegate threw, the message was malformed, the call failed).</summary>
    public long Failed { get; init; }

    /// <summary>Some rejections (at most <see cref="MaxExamples"/>): member, code and reason.</summary>
    public IReadOnlyList<(string TransactionId, RejectionCode Code, string? Reason)> Rejections { get; init; } = [];

    /// <summary>Some failures (at most <see cref="MaxExamples"/>): member and error.</summary>
    public IReadOnlyList<(string TransactionId, string Error)> Failures { get; init; } = [];

    internal sealed class Builder
    {
        private readonly Lock _lock = new();
        private readonly List<(string, RejectionCode, string?)> _rejections = [];
        private readonly List<(string, string)> _failures = [];
        private long _processed, _queued, _duplicate, _rejected, _failed;

        public void Add(string member, SubmitResult result)
        {
            lock (_lock)
            {
                switch (result.Outcome)
                {
                    case SubmitOutcome.Processed:
                        _processed++;
                        break;
                    case SubmitOutcome.Queued:
                        _queued++;
                        break;
                    case SubmitOutcome.Duplicate:
                        _duplicate++;
                        break;
                    default:
                        _rejected++;
                        if (_rejections.Count < MaxExamples)
                        {
                            _rejections.Add((member, result.Code, result.Reason));
                        }

                        break;
                }
            }
        }

        public void Fail(string member, Exception exception)
        {
            lock (_lock)
            {
                _failed++;
                if (_failures.Count < MaxExamples)
                {
                    _failures.Add((member, $"{exception.GetType().Name}: {exception.Message}"));
                }
            }
        }

        public CampaignCompletionTally Build()
        {
            lock (_lock)
            {
                return new CampaignCompletionTally
                {
                    Processed = _processed,
                    Queued = _queued,
                    Duplicate = _duplicate,
                    Rejected = _rejected,
                    Failed = _failed,
                    Rejections = [.. _rejections],
                    Failures = [.. _failures],
                };
            }
        }
    }
}
