namespace OrleansRecovery;

/// <summary>How many transactions the registry lists in each state, for a query.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryCounts")]
public sealed record RegistryCounts
{
    /// <summary>Recovering (stuck ones included).</summary>
    [Id(0)] public long Recovering { get; init; }

    /// <summary>Recovering for longer than the stuck threshold.</summary>
    [Id(1)] public long Stuck { get; init; }

    /// <summary>Faulted (holding a poison message).</summary>
    [Id(2)] public long Faulted { get; init; }

    /// <summary>Back to Normal and still replaying parked messages.</summary>
    [Id(3)] public long Replaying { get; init; }

    /// <summary>All listed.</summary>
    [Id(4)] public long Total { get; init; }

    /// <summary>When the oldest listed entry entered its state.</summary>
    [Id(5)] public DateTimeOffset? OldestSince { get; init; }

    /// <summary>Some stuck transactions (at most 20), oldest first.</summary>
    [Id(6)] public IReadOnlyList<string> StuckTransactions { get; init; } = [];
}
