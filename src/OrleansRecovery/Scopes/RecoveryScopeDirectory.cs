using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Hosting;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Scopes;

/// <summary>
/// A silo's view of the recovery scopes its transactions use, read straight from the scopes' records in storage (not through the
/// scope grains, so a dead silo holding one cannot stall decisions). Each scope in use is re-read every
/// <see cref="TransactionRecoveryOptions.ScopeRefreshInterval"/>; a state is acted on only within
/// <see cref="TransactionRecoveryOptions.ScopeLease"/> of the moment its read was sent, otherwise the scope is unknown and the
/// state machine parks (P11).
/// </summary>
/// <remarks>
/// Why the lease makes an acknowledged opening safe (docs/design.md, "Recovery scopes"): a read that returned "closed" was sent
/// before the opening's write completed, so a decision based on it is made before that write's completion plus the lease; the
/// scope grain acknowledges an opening only after waiting the lease past its write. So every decision made after the
/// acknowledgement sees the scope open (or unknown, which parks).
/// </remarks>
internal sealed class RecoveryScopeDirectory : IDisposable
{
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IGrainFactory _grains;
    private readonly TransactionRecoveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private IGrainStorage? _storage;
    private int _refreshing;

    public RecoveryScopeDirectory(IServiceProvider services, IGrainFactory grains, IOptions<TransactionRecoveryOptions> options,
        TimeProvider time, ILogger<RecoveryScopeDirectory> logger)
    {
        _services = services;
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The states of <paramref name="scopes"/>: from the last read if it is within the lease, otherwise read now (waiting at most
    /// the lease). A scope that cannot be confirmed is left out of the view, so it reads as unknown.
    /// </summary>
    public async ValueTask<ScopeView> ViewAsync(IReadOnlyCollection<string> scopes)
    {
        if (scopes.Count == 0)
        {
            return ScopeView.Empty;
        }

        StartRefreshing();
        var view = new Dictionary<string, ScopeStatus>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            var slot = _slots.GetOrAdd(scope, static _ => new Slot());
            slot.LastUsed = _time.GetTimestamp();
            if (!IsFresh(slot.Confirmed))
            {
                var read = slot.Read(() => ReadAsync(scope, slot));
                await Task.WhenAny(read, Task.Delay(_options.ScopeLease, _time)).ConfigureAwait(true);
            }

            if (slot.Confirmed is { } confirmed && IsFresh(confirmed))
            {
                view[scope] = confirmed.Status;
            }
        }

        return new ScopeView(view);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private bool IsFresh(Confirmation? confirmed) =>
        confirmed is not null && _time.GetElapsedTime(confirmed.ReadSentAt) < _options.ScopeLease;

    private Task ReadAsync(string scope, Slot slot) => Task.Run(async () =>
    {
        // The lease counts from the moment the read is sent: the record it returns was current at some point after this.
        var sentAt = _time.GetTimestamp();
        try
        {
            _storage ??= _services.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
            var record = new GrainState<RecoveryScopeRecord>(new RecoveryScopeRecord());
            var grainId = _grains.GetGrain<IRecoveryScopeGrain>(scope).GetGrainId();
            await _storage.ReadStateAsync(RecoveryScopeRecord.StateName, grainId, record).ConfigureAwait(false);
            var status = record is { RecordExists: true, State: { IsOpen: true, CampaignId: { } campaign } open }
                ? ScopeStatus.Open(campaign, open.Reason ?? string.Empty)
                : ScopeStatus.Closed;
            slot.Confirmed = new Confirmation(status, sentAt);
        }
        catch (Exception ex)
        {
            Log.ScopeReadFailed(_logger, scope, $"{ex.GetType().Name}: {ex.Message}");
        }
    });

    /// <summary>Starts the background loop that re-reads every scope in use, once per silo.</summary>
    private void StartRefreshing()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(_options.ScopeRefreshInterval, _time);
            try
            {
                while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                {
                    var reads = new List<Task>();
                    foreach (var (scope, slot) in _slots)
                    {
                        if (_time.GetElapsedTime(slot.LastUsed) > ForgetAfter)
                        {
                            _slots.TryRemove(scope, out _);
                            continue;
                        }

                        reads.Add(slot.Read(() => ReadAsync(scope, slot)));
                    }

                    await Task.WhenAll(reads).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The silo is stopping.
            }
        });
    }

    /// <summary>A scope state and when the read that returned it was sent (a monotonic timestamp).</summary>
    private sealed record Confirmation(ScopeStatus Status, long ReadSentAt);

    private sealed class Slot
    {
        private readonly Lock _lock = new();
        private Task? _read;

        public Confirmation? Confirmed { get; set; }

        public long LastUsed { get; set; }

        /// <summary>The read in flight, or a new one: one read per scope at a time, however many transactions ask.</summary>
        public Task Read(Func<Task> start)
        {
            lock (_lock)
            {
                if (_read is null || _read.IsCompleted)
                {
                    _read = start();
                }

                return _read;
            }
        }
    }
}
