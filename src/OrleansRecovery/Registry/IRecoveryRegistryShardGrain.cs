namespace OrleansRecovery.Registry;

/// <summary>
/// One shard of the recovery registry (key: shard number). Transactions whose id hashes to this shard report here when they
/// leave Normal, while they stay out of it (throttled), and when they return; the shard persists its entries in small pages and
/// reconciles them with the transactions' stored records on a timer. Internal machinery: clients use
/// <see cref="IRecoveryRegistryGrain"/>.
/// </summary>
[Alias("OrleansRecovery.Registry.IRecoveryRegistryShardGrain")]
internal interface IRecoveryRegistryShardGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds or replaces a transaction's entry; answered once the change is stored (or at once when only the depth changed).
    /// A report older than the entry held or than a recent removal is ignored.
    /// </summary>
    [Alias("UpsertAsync")]
    Task UpsertAsync(RegistryEntry entry);

    /// <summary>
    /// Removes a transaction's entry (it is Normal with nothing pending), as reported at <paramref name="reportedAt"/>: ignored
    /// when the entry held was reported later; remembered for a while so that a report older than it cannot add it back.
    /// </summary>
    [Alias("RemoveReportedAsync")]
    Task RemoveAsync(string transactionId, DateTimeOffset reportedAt);

    /// <summary>
    /// As <see cref="UpsertAsync"/>, but answered once the change is held in memory: the shard stores it with its next group
    /// write. For reports the registry may lose (a lost one is repaired by reconciliation): the reporter must not wait for, nor
    /// pile up behind, the shard's page writes.
    /// </summary>
    [Alias("NoteAsync")]
    Task NoteAsync(RegistryEntry entry);

    /// <summary>As <see cref="RemoveAsync"/>, answered once the removal is held in memory (see <see cref="NoteAsync"/>).</summary>
    [Alias("NoteRemovedAsync")]
    Task NoteRemovedAsync(string transactionId, DateTimeOffset reportedAt);

    /// <summary>One page of this shard's matching entries (see <see cref="RegistryQuery"/>), in listing order.</summary>
    [Alias("ListPageAsync")]
    Task<IReadOnlyList<RegistryEntry>> ListAsync(RegistryQuery query);

    /// <summary>Counts of this shard's matching entries.</summary>
    [Alias("CountAsync")]
    Task<RegistryShardCounts> CountAsync(RegistryQuery query);

    /// <summary>Counts of this shard's entries per campaign (every campaign the shard lists; entries without one left out).</summary>
    [Alias("CountByCampaignAsync")]
    Task<IReadOnlyList<RegistryCampaignCounts>> CountByCampaignAsync();
}
