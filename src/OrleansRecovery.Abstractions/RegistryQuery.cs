namespace OrleansRecovery;

/// <summary>Which registry entries to list.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryQuery")]
public sealed record RegistryQuery
{
    /// <summary>Only transactions in this mode; null for all the registry holds (recovering, faulted, replaying).</summary>
    [Id(0)] public TransactionMode? Mode { get; init; }

    /// <summary>Only stuck recoveries.</summary>
    [Id(1)] public bool StuckOnly { get; init; }

    /// <summary>Most entries returned (oldest first). Default 1,000.</summary>
    [Id(2)] public int Limit { get; init; } = 1_000;

    /// <summary>Only transactions whose current recovery belongs to this recovery scope.</summary>
    [Id(3)] public string? Scope { get; init; }

    /// <summary>Only transactions whose current recovery (or the replay after it) belongs to this campaign.</summary>
    [Id(4)] public string? CampaignId { get; init; }

    /// <summary>Every entry, up to the default limit.</summary>
    public static RegistryQuery All { get; } = new();
}
