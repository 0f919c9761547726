namespace OrleansRecovery.Registry;

/// <summary>
/// One shard of the recovery registry (key: shard number). Transactions whose id hashes to this shard report here when they
/// leave Normal, while they stay out of it (throttled), and when they return; the shard persists its entries.
/// </summary>
[Alias("OrleansRecovery.Registry.IRecoveryRegistryShardGrain")]
public interface IRecoveryRegistryShardGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces a transaction's entry.</summary>
    [Alias("UpsertAsync")]
    Task UpsertAsync(RegistryEntry entry);

    /// <summary>Removes a transaction's entry (it is Normal with nothing pending).</summary>
    [Alias("RemoveAsync")]
    Task RemoveAsync(string transactionId);

    /// <summary>Every entry of this shard.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<RegistryEntry>> ListAsync();
}
