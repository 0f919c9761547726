namespace OrleansRecovery.Registry;

/// <summary>
/// What a listing or count sees of registry entries: stuck judged at the time of asking (an entry reported before its deadline
/// is stuck after it), the query's filters, the listing order (oldest <c>Since</c> first, then transaction id) and its cursor.
/// Shards apply it to their entries and the registry grain merges the shards' answers with it. Pure.
/// </summary>
internal static class RegistryView
{
    /// <summary>Most characters of a reason the registry keeps; the transaction's status keeps the whole text.</summary>
    public const int MaxReasonLength = 120;

    /// <summary>The listing order.</summary>
    public static readonly IComparer<RegistryEntry> Order = Comparer<RegistryEntry>.Create((a, b) =>
    {
        var bySince = a.Since.CompareTo(b.Since);
        return bySince != 0 ? bySince : string.CompareOrdinal(a.TransactionId, b.TransactionId);
    });

    /// <summary>The entry as the registry stores it: the reason shortened, so a page stays small.</summary>
    public static RegistryEntry Compact(RegistryEntry entry) =>
        entry.Reason.Length <= MaxReasonLength ? entry : entry with { Reason = string.Concat(entry.Reason.AsSpan(0, MaxReasonLength - 1), "…") };

    /// <summary>The entry with its stuck flag as of <paramref name="now"/>.</summary>
    public static RegistryEntry AsOf(RegistryEntry entry, DateTimeOffset now, TimeSpan stuckAfter) =>
        entry is { Mode: TransactionMode.Recovering, Stuck: false } && now - entry.Since >= stuckAfter ? entry with { Stuck = true } : entry;

    /// <summary>True when <paramref name="entry"/> (stuck already judged) passes the query's filters, cursor aside.</summary>
    public static bool Matches(RegistryEntry entry, RegistryQuery query) =>
        (query.Mode is null || entry.Mode == query.Mode)
        && (!query.StuckOnly || entry.Stuck)
        && (query.Scope is null || string.Equals(entry.Scope, query.Scope, StringComparison.Ordinal))
        && (query.CampaignId is null || string.Equals(entry.CampaignId, query.CampaignId, StringComparison.Ordinal));

    /// <summary>One page of a listing: matching entries after the cursor, in order, at most the query's limit.</summary>
    public static List<RegistryEntry> Page(IEnumerable<RegistryEntry> entries, RegistryQuery query, DateTimeOffset now, TimeSpan stuckAfter)
    {
        var limit = Math.Max(0, query.Limit);
        if (limit == 0)
        {
            return [];
        }

        // A bounded max-heap keeps the first `limit` entries: O(n log limit), no full sort of a large shard.
        var heap = new PriorityQueue<RegistryEntry, RegistryEntry>(Comparer<RegistryEntry>.Create((a, b) => Order.Compare(b, a)));
        foreach (var raw in entries)
        {
            var entry = AsOf(raw, now, stuckAfter);
            if (!Matches(entry, query) || (query.After is { } after && !after.Precedes(entry)))
            {
                continue;
            }

            if (heap.Count < limit)
            {
                heap.Enqueue(entry, entry);
            }
            else if (Order.Compare(entry, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(entry, entry);
            }
        }

        var page = new List<RegistryEntry>(heap.Count);
        while (heap.TryDequeue(out var entry, out _))
        {
            page.Add(entry);
        }

        page.Reverse();
        return page;
    }

    /// <summary>Counts of matching entries (cursor and limit ignored), with the oldest stuck entries for merging.</summary>
    public static RegistryShardCounts Count(IEnumerable<RegistryEntry> entries, RegistryQuery query, DateTimeOffset now, TimeSpan stuckAfter)
    {
        long recovering = 0, stuck = 0, faulted = 0, replaying = 0, pending = 0;
        DateTimeOffset? oldest = null;
        var stuckFirst = new List<RegistryEntry>();
        foreach (var raw in entries)
        {
            var entry = AsOf(raw, now, stuckAfter);
            if (!Matches(entry, query))
            {
                continue;
            }

            switch (entry.Mode)
            {
                case TransactionMode.Recovering:
                    recovering++;
                    break;
                case TransactionMode.Faulted:
                    faulted++;
                    break;
                default:
                    replaying++;
                    break;
            }

            if (entry.Stuck)
            {
                stuck++;
                stuckFirst.Add(entry);
            }

            pending += entry.PendingCount;
            oldest = oldest is null || entry.Since < oldest ? entry.Since : oldest;
        }

        stuckFirst.Sort(Order);
        var oldestStuck = stuckFirst.Take(RegistryCounts.MaxStuckIds).ToList();
        return new RegistryShardCounts(
            new RegistryCounts(recovering, stuck, faulted, replaying, recovering + faulted + replaying, oldest,
                [.. oldestStuck.Select(e => e.TransactionId)]) { Pending = pending },
            oldestStuck);
    }

    /// <summary>The counts of several shards as one; the stuck ids are the oldest stuck ones of all (each shard sends its oldest).</summary>
    public static RegistryCounts Merge(IReadOnlyList<RegistryShardCounts> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var oldest = shards.Select(s => s.Counts.OldestSince).Where(s => s is not null).DefaultIfEmpty(null).Min();
        var stuck = shards.SelectMany(s => s.OldestStuck).Order(Order).Take(RegistryCounts.MaxStuckIds).Select(e => e.TransactionId);
        return new RegistryCounts(
            shards.Sum(s => s.Counts.Recovering),
            shards.Sum(s => s.Counts.Stuck),
            shards.Sum(s => s.Counts.Faulted),
            shards.Sum(s => s.Counts.Replaying),
            shards.Sum(s => s.Counts.Total),
            oldest,
            [.. stuck])
        {
            Pending = shards.Sum(s => s.Counts.Pending),
        };
    }

    /// <summary>Counts of <paramref name="entries"/> per campaign (entries without a campaign left out), in no particular order.</summary>
    public static IReadOnlyList<RegistryCampaignCounts> CountByCampaign(IEnumerable<RegistryEntry> entries, DateTimeOffset now, TimeSpan stuckAfter)
    {
        var groups = new Dictionary<string, (string? Scope, List<RegistryEntry> Entries)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.CampaignId is not { } campaign)
            {
                continue;
            }

            if (!groups.TryGetValue(campaign, out var group))
            {
                group = (entry.Scope, []);
                groups[campaign] = group;
            }

            group.Entries.Add(entry);
        }

        // The campaign's own counts, without its stuck ids: those are asked of the campaign (or scope) itself.
        return [.. groups.Select(g => new RegistryCampaignCounts(g.Key, g.Value.Scope,
            Count(g.Value.Entries, new RegistryQuery(), now, stuckAfter).Counts with { StuckTransactionIds = [] }))];
    }

    /// <summary>The per-campaign counts of several shards as one: summed per campaign, oldest first, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<RegistryCampaignCounts> MergeByCampaign(IEnumerable<IReadOnlyList<RegistryCampaignCounts>> shards, int limit)
    {
        ArgumentNullException.ThrowIfNull(shards);
        return [.. shards.SelectMany(s => s)
            .GroupBy(c => c.CampaignId, StringComparer.Ordinal)
            .Select(g => new RegistryCampaignCounts(g.Key, g.Select(c => c.Scope).FirstOrDefault(s => s is not null),
                Merge([.. g.Select(c => new RegistryShardCounts(c.Counts, []))])))
            .OrderBy(c => c.Counts.OldestSince ?? DateTimeOffset.MaxValue)
            .ThenBy(c => c.CampaignId, StringComparer.Ordinal)
            .Take(limit)];
    }
}
