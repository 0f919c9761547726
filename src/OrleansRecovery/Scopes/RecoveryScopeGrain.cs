using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRecovery.Campaigns;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Scopes;

/// <summary>
/// One recovery scope: stores its opening and closing (one fixed-size record), and acknowledges an opening only once the scope
/// lease has passed, so every silo's <see cref="RecoveryScopeDirectory"/> has either seen it or stopped trusting what it read before.
/// </summary>
internal sealed class RecoveryScopeGrain : Grain, IRecoveryScopeGrain
{
    private readonly TransactionRecoveryOptions _options;
    private readonly CampaignMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CampaignRate _rate = new();
    private GrainState<RecoveryScopeRecord> _record = new(new RecoveryScopeRecord());
    private IGrainStorage? _storage;

    public RecoveryScopeGrain(IOptions<TransactionRecoveryOptions> options, CampaignMetrics metrics, TimeProvider time,
        ILogger<RecoveryScopeGrain> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    private string Scope => this.GetPrimaryKeyString();

    private RecoveryScopeRecord Header => _record.State ??= new RecoveryScopeRecord();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
        if (RecoveryScopes.Problem(Scope) is null)
        {
            await _storage.ReadStateAsync(RecoveryScopeRecord.StateName, this.GetGrainId(), _record, cancellationToken);
            _record.State ??= new RecoveryScopeRecord();
        }
    }

    /// <inheritdoc />
    public async Task<RecoveryScopeState> OpenAsync(string reason)
    {
        RequireUsableName();
        CheckReason(reason, "opening");

        if (!Header.IsOpen)
        {
            var now = _time.GetUtcNow();
            var campaign = $"scope-{Scope}-{now:yyyyMMddTHHmmssfff}";
            await WriteAsync(new RecoveryScopeRecord
            {
                IsOpen = true,
                CampaignId = campaign,
                Reason = reason,
                OpenedAt = now,
                ClosedAt = null,
            });
            Log.ScopeOpened(_logger, Scope, campaign, reason);
            _metrics.ScopeOpened();
        }

        // P11: acknowledged only after the lease, counted from the write's completion (see RecoveryScopeDirectory). A repeated
        // opening waits too, since its caller may be retrying an opening whose first answer was lost before the lease passed.
        await Task.Delay(_options.ScopeLease + TimeSpan.FromMilliseconds(50), _time);
        return State();
    }

    /// <inheritdoc />
    public Task<RecoveryScopeState> CloseAsync() => CloseCoreAsync(null);

    /// <inheritdoc />
    public Task<RecoveryScopeState> CloseAsync(string reason)
    {
        RequireUsableName();
        CheckReason(reason, "closing");
        return CloseCoreAsync(reason);
    }

    private async Task<RecoveryScopeState> CloseCoreAsync(string? reason)
    {
        RequireUsableName();
        if (Header.IsOpen)
        {
            var current = Header;
            await WriteAsync(new RecoveryScopeRecord
            {
                IsOpen = false,
                CampaignId = current.CampaignId,
                Reason = current.Reason,
                OpenedAt = current.OpenedAt,
                ClosedAt = _time.GetUtcNow(),
                CloseReason = reason,
            });
            Log.ScopeClosed(_logger, Scope, current.CampaignId);
        }

        // Symmetric with opening: once the closing is acknowledged, no silo acts on the scope as open any more.
        await Task.Delay(_options.ScopeLease + TimeSpan.FromMilliseconds(50), _time);
        return State();
    }

    /// <inheritdoc />
    public Task<RecoveryScopeState> GetStateAsync() => Task.FromResult(State());

    /// <inheritdoc />
    public async Task<CampaignProgress?> GetProgressAsync()
    {
        if (Header is not { CampaignId: { } campaign, OpenedAt: { } openedAt } record)
        {
            return null;
        }

        var counts = await CampaignMembersSource.CountAsync(GrainFactory, campaign);

        // A scope's members are not enumerated: its rate is how fast the listing shrinks, measured while this activation lives.
        var now = _time.GetUtcNow();
        _rate.Sample(now, -counts.Listed);
        var progress = new CampaignProgress
        {
            CampaignId = campaign,
            Reason = record.Reason ?? string.Empty,
            State = record.IsOpen ? CampaignState.Entering : counts.Listed == 0 ? CampaignState.Done : CampaignState.Entered,
            Scope = Scope,
            CreatedAt = openedAt,
            Members = counts.Listed,
            Entered = counts.Listed,
            Recovering = counts.Recovering,
            Stuck = counts.Stuck,
            Faulted = counts.Faulted,
            Replaying = counts.Replaying,
            OldestSince = counts.OldestSince,
            StuckTransactions = counts.StuckTransactions,
            RatePerSecond = _rate.PerSecond,
            EstimatedRemaining = _rate.Remaining(counts.Listed),
        };
        _metrics.Report(progress);
        return progress;
    }

    private RecoveryScopeState State() => new(Scope, Header.IsOpen)
    {
        CampaignId = Header.CampaignId,
        Reason = Header.Reason,
        OpenedAt = Header.OpenedAt,
        ClosedAt = Header.ClosedAt,
        CloseReason = Header.CloseReason,
    };

    private void CheckReason(string reason, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var limit = _options.ToLimits().MaxReasonLength;
        if (reason.Length > limit)
        {
            throw new ArgumentException($"Scope {what} reason is {reason.Length} characters; the limit is {limit}.", nameof(reason));
        }
    }

    private void RequireUsableName()
    {
        if (RecoveryScopes.Problem(Scope) is { } problem)
        {
            throw new ArgumentException(problem, "scope");
        }
    }

    private async Task WriteAsync(RecoveryScopeRecord next)
    {
        var attempt = new GrainState<RecoveryScopeRecord>(next, _record.ETag) { RecordExists = _record.RecordExists };
        await _storage!.WriteStateAsync(RecoveryScopeRecord.StateName, this.GetGrainId(), attempt);
        _record = attempt;
    }
}
