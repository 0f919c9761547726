namespace OrleansRecovery;

/// <summary>Which registry entries to list (or count).</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryQuery")]
public sealed record RegistryQuery
{
    /// <summary>Only transactions in this mode; null for all the registry holds (recovering, faulted, replaying).</summary>
    [Id(0)] public TransactionMode? Mode { get; init; }

    /// <summary>Only stuck recoveries.</summary>
    [Id(1)] public bool StuckOnly { get; init; }

    /// <summary>Most entries returned (oldest first). Default 1,000. Ignored by counts.</summary>
    [Id(2)] public int Limit { get; init; } = 1_000;

    /// <summary>Only entries of this recovery scope (<see cref="RegistryEntry.Scope"/>, ordinal comparison); null for any.</summary>
    [Id(3)] public string? Scope { get; init; }

    /// <summary>Only entries of this campaign (<see cref="RegistryEntry.CampaignId"/>, ordinal comparison); null for any.</summary>
    [Id(4)] public string? CampaignId { get; init; }

    /// <summary>
    /// Continue a listing: only entries ordered after this cursor (see <see cref="RegistryCursor.After(RegistryEntry)"/> of the
    /// last entry of the previous page); null for the first page. Ignored by counts.
    /// </summary>
    [Id(5)] public RegistryCursor? After { get; init; }

    /// <summary>Every entry, up to the default limit.</summary>
    public static RegistryQuery All { get; } = new();
}
