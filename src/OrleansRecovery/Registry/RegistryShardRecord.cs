namespace OrleansRecovery.Registry;

/// <summary>
/// The first registry layout: all of a shard's entries in one record (state name <see cref="RegistryStateNames.Legacy"/>),
/// rewritten whole at every change. Only read now, to migrate it into pages on a shard's activation. Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Registry.RegistryShardRecord")]
internal sealed class RegistryShardRecord
{
    /// <summary>Entries by transaction id.</summary>
    [Id(0)] public Dictionary<string, RegistryEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}
