namespace OrleansRecovery.Registry;

/// <summary>
/// The fixed-size record of a registry shard (state name <see cref="RegistryStateNames.Meta"/>): which pages to read on
/// activation and the layout version. Written only when the page high-water mark moves or the legacy record is migrated.
/// Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Registry.RegistryShardMetaRecord")]
internal sealed class RegistryShardMetaRecord
{
    /// <summary>The layout this version writes: numbered pages plus this record.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Layout version of the shard's records.</summary>
    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>Pages 0 to this, exclusive, may hold entries (the high-water mark).</summary>
    [Id(1)] public long PageCount { get; set; }

    /// <summary>True once the single-record layout of version 1 (<see cref="RegistryShardRecord"/>) has been moved into pages and cleared.</summary>
    [Id(2)] public bool LegacyMigrated { get; set; }
}
