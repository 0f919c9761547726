namespace OrleansRecovery.Campaigns;

/// <summary>How many of a campaign's members the registry lists in each state, the oldest, and some stuck ones.</summary>
internal sealed record MemberCounts(long Recovering, long Stuck, long Faulted, long Replaying, DateTimeOffset? OldestSince,
    IReadOnlyList<string> StuckTransactions)
{
    /// <summary>Members listed at all (recovering, faulted or replaying).</summary>
    public long Listed => Recovering + Faulted + Replaying;
}
