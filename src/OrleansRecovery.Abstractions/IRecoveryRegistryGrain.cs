namespace OrleansRecovery;

/// <summary>
/// Answers "which transactions are recovering, faulted or stuck?" without scanning storage: transactions report to a sharded
/// registry when they leave or enter Normal; this grain (a stateless worker; use key 0) gathers the shards.
/// </summary>
[Alias("OrleansRecovery.IRecoveryRegistryGrain")]
public interface IRecoveryRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Lists matching entries, oldest first (by <see cref="RegistryEntry.Since"/>, then transaction id), at most
    /// <see cref="RegistryQuery.Limit"/>; page on with <see cref="RegistryQuery.After"/>.
    /// </summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<RegistryEntry>> ListAsync(RegistryQuery query);

    /// <summary>Counts matching entries by state (the query's mode, stuck, scope and campaign filters apply; limit and cursor do not).</summary>
    [Alias("CountAsync")]
    Task<RegistryCounts> CountAsync(RegistryQuery query);

    /// <summary>
    /// Counts of the listed entries per campaign (entries without a campaign are left out), oldest campaign first (by its
    /// oldest listed member), at most <paramref name="limit"/> campaigns: which campaigns and scope openings still have members
    /// recovering, faulted or replaying. Answered from the shards' memory, like <see cref="CountAsync"/>.
    /// </summary>
    [Alias("CountByCampaignAsync")]
    Task<IReadOnlyList<RegistryCampaignCounts>> CountByCampaignAsync(int limit);
}
