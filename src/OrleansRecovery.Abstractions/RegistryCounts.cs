namespace OrleansRecovery;

/// <summary>How many transactions the recovery registry lists, by state (for a query's mode, scope and campaign filters).</summary>
/// <param name="Recovering">Recovering transactions, stuck ones included.</param>
/// <param name="Stuck">Recovering transactions past <c>StuckAfter</c>.</param>
/// <param name="Faulted">Faulted transactions (a poison message held).</param>
/// <param name="Replaying">Normal transactions still replaying parked messages.</param>
/// <param name="Total">All of them: <c>Recovering + Faulted + Replaying</c>.</param>
/// <param name="OldestSince">The oldest <see cref="RegistryEntry.Since"/> counted, or null when none.</param>
/// <param name="StuckTransactionIds">The first stuck transactions (oldest first), at most <see cref="MaxStuckIds"/>.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryCounts")]
public sealed record RegistryCounts(
    [property: Id(0)] long Recovering,
    [property: Id(1)] long Stuck,
    [property: Id(2)] long Faulted,
    [property: Id(3)] long Replaying,
    [property: Id(4)] long Total,
    [property: Id(5)] DateTimeOffset? OldestSince,
    [property: Id(6)] IReadOnlyList<string> StuckTransactionIds)
{
    /// <summary>
    /// Parked messages of the entries counted, as each last reported (a listing's depths lag by at most the transactions'
    /// <c>RegistryReportInterval</c>); the cluster-wide counterpart of the <c>orleansrecovery.pending.depth</c> gauge.
    /// </summary>
    [Id(7)] public long Pending { get; init; }

    /// <summary>Most stuck transaction ids a count carries.</summary>
    public const int MaxStuckIds = 20;

    /// <summary>Nothing listed.</summary>
    public static RegistryCounts Empty { get; } = new(0, 0, 0, 0, 0, null, []);
}
