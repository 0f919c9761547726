namespace OrleansRecovery.Registry;

/// <summary>
/// When the registry's reconciliation pass next reads a listed transaction from storage. Reading costs storage requests (a
/// header and the segments), and an outage lists thousands of transactions at once, so an entry is read again only when it
/// could be wrong in a way that matters soon: a transaction that may have work a crash cut off (a replay, a fault retry) after
/// one interval; one that only waits for its recovery messages after <see cref="QuietIntervals"/> intervals, or when its recovery
/// may turn stuck if sooner. Pure: no Orleans types, no I/O.
/// </summary>
internal static class ReconcileSchedule
{
    /// <summary>
    /// Intervals an idle entry stays unread: one a pass found consistent with nothing for its transaction to do, and one last
    /// reported as recovering and not stuck. A lost removal of such an entry is corrected within this many intervals plus the
    /// pass bound.
    /// </summary>
    internal const int QuietIntervals = 10;

    /// <summary>
    /// When an entry last heard from (reported, or checked) at <paramref name="seen"/> is due; <see cref="DateTimeOffset.MinValue"/>
    /// (loaded from storage and not heard from since) is due at once.
    /// </summary>
    public static DateTimeOffset DueAt(RegistryEntry entry, DateTimeOffset seen, TimeSpan interval, TimeSpan stuckAfter)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (seen == DateTimeOffset.MinValue)
        {
            return seen;
        }

        var next = seen + interval;
        if (entry is not { Mode: TransactionMode.Recovering, Stuck: false })
        {
            return next;
        }

        var stuckAt = entry.Since + stuckAfter;
        return Later(next, Earlier(seen + QuietIntervals * interval, stuckAt));
    }

    /// <summary>
    /// Until when an entry a pass read at <paramref name="readAt"/> and found consistent and idle stays unread: <see cref="QuietIntervals"/>
    /// intervals, or until its recovery (begun at <paramref name="recoverySince"/>, if recovering) may turn stuck.
    /// </summary>
    public static DateTimeOffset QuietUntil(DateTimeOffset readAt, DateTimeOffset? recoverySince, TimeSpan interval, TimeSpan stuckAfter)
    {
        var quiet = readAt + QuietIntervals * interval;
        return recoverySince is { } since ? Earlier(quiet, since + stuckAfter) : quiet;
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
