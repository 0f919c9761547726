namespace OrleansRecovery.Registry;

/// <summary>
/// One shard's answer to a count: its counts, and its oldest stuck entries, so the registry grain can pick the oldest stuck
/// transactions of all shards.
/// </summary>
/// <param name="Counts">The shard's counts.</param>
/// <param name="OldestStuck">The shard's oldest stuck entries (at most <see cref="RegistryCounts.MaxStuckIds"/>), oldest first.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.Registry.RegistryShardCounts")]
internal sealed record RegistryShardCounts(
    [property: Id(0)] RegistryCounts Counts,
    [property: Id(1)] IReadOnlyList<RegistryEntry> OldestStuck);
