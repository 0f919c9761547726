using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Registry;

/// <summary>
/// A registry shard: keeps the abnormal transactions that hash to it in one small record (state name <c>registry</c>) of the
/// transaction storage provider, so listings survive restarts without scanning transaction records.
/// </summary>
public sealed class RecoveryRegistryShardGrain : Grain, IRecoveryRegistryShardGrain
{
    private const string StateName = "registry";
    private readonly TransactionRecoveryOptions _options;
    private GrainState<RegistryShardRecord> _state = new(new RegistryShardRecord());
    private IGrainStorage? _storage;

    /// <summary>Creates the shard.</summary>
    public RecoveryRegistryShardGrain(IOptions<TransactionRecoveryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StorageProviderName);
        await _storage.ReadStateAsync(StateName, this.GetGrainId(), _state, cancellationToken);
        _state.State ??= new RegistryShardRecord();
    }

    /// <inheritdoc />
    public async Task UpsertAsync(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entries = Entries;
        if (entries.TryGetValue(entry.TransactionId, out var known) && known.UpdatedAt > entry.UpdatedAt)
        {
            return; // an older report overtaken by a newer one
        }

        entries[entry.TransactionId] = entry;
        if (known is not null && SameIdentity(known, entry))
        {
            // Only the depth, its age or the report time changed (the periodic refresh): keep it in memory. Storage holds what
            // must survive a restart (that the transaction is listed, in which mode, since when, why); after a restart the
            // transaction's next report or watchdog tick brings the depth back, and stuck is judged again at listing time.
            return;
        }

        await WriteAsync();
    }

    private static bool SameIdentity(RegistryEntry a, RegistryEntry b) =>
        a.Mode == b.Mode && a.Since == b.Since && a.Reason == b.Reason && a.RecoveryId == b.RecoveryId
        && a.FaultMessageId == b.FaultMessageId && a.Stuck == b.Stuck;

    /// <inheritdoc />
    public async Task RemoveAsync(string transactionId)
    {
        if (Entries.Remove(transactionId))
        {
            await WriteAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RegistryEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<RegistryEntry>>([.. Entries.Values]);

    private Dictionary<string, RegistryEntry> Entries => (_state.State ??= new RegistryShardRecord()).Entries;

    private async Task WriteAsync()
    {
        try
        {
            await _storage!.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
        catch
        {
            // Reload what storage holds; the reporting transaction retries on its next report.
            _state = new GrainState<RegistryShardRecord>(new RegistryShardRecord());
            await _storage!.ReadStateAsync(StateName, this.GetGrainId(), _state);
            throw;
        }
    }
}
