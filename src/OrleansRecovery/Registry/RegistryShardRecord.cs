namespace OrleansRecovery.Registry;

/// <summary>The stored entries of one registry shard. Field ids are stable.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Registry.RegistryShardRecord")]
public sealed class RegistryShardRecord
{
    /// <summary>Entries by transaction id.</summary>
    [Id(0)] public Dictionary<string, RegistryEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}
