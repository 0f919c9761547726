namespace OrleansRecovery.Admin;

/// <summary>
/// One point of a transaction's pending-depth chart: from <paramref name="At"/> on, <paramref name="Depth"/> messages were parked
/// (a step, until the next point).
/// </summary>
/// <param name="At">When.</param>
/// <param name="Depth">Parked messages from then on.</param>
/// <param name="Kind">The timeline entry this point follows (a marker on the chart), or null for the present.</param>
internal sealed record PendingPoint(DateTimeOffset At, long Depth, TimelineEventKind? Kind);

/// <summary>
/// Derives a transaction's pending depth over time from its durable timeline, so the chart needs no metric store and survives
/// restarts: it walks back from the exact present depth, undoing each entry (parked adds, replayed removes) and resetting at
/// each completed recovery (whose count is the depth it left to replay). Pure.
/// </summary>
internal static class PendingSeries
{
    /// <summary>
    /// The points, oldest first: one before the oldest entry, one after each entry, and the present. Between anchors the depth
    /// is as exact as the entries' counts (merged runs carry the latest time); never below zero.
    /// </summary>
    /// <param name="timeline">The transaction's timeline, oldest first (null or empty: only the present).</param>
    /// <param name="pendingNow">Parked messages now (the status's exact count).</param>
    /// <param name="queuedNow">The transaction's count of messages ever parked (its counters), to count those parked since the last entry.</param>
    /// <param name="now">The present.</param>
    public static IReadOnlyList<PendingPoint> From(IReadOnlyList<TimelineEvent>? timeline, long pendingNow, long queuedNow, DateTimeOffset now)
    {
        var present = new PendingPoint(now, Math.Max(0, pendingNow), null);
        if (timeline is not { Count: > 0 })
        {
            return [present];
        }

        // Messages parked since the last entry are counted into the next one, not yet recorded: take them off first.
        var last = timeline[^1];
        var after = Math.Max(0, pendingNow - Math.Max(0, queuedNow - last.QueuedSoFar));
        var backwards = new List<PendingPoint>(timeline.Count + 2) { present };
        for (var i = timeline.Count - 1; i >= 0; i--)
        {
            var entry = timeline[i];
            if (entry.Kind == TimelineEventKind.RecoveryCompleted)
            {
                // An anchor: the completion recorded how many parked messages it left to replay.
                after = Math.Max(0, entry.Count);
            }

            backwards.Add(new PendingPoint(entry.At, after, entry.Kind));
            after = entry.Kind switch
            {
                TimelineEventKind.Parked => Math.Max(0, after - entry.Count),
                TimelineEventKind.Replayed => after + entry.Count,
                _ => after,
            };
        }

        backwards.Add(new PendingPoint(timeline[0].At, after, null));
        backwards.Reverse();
        return backwards;
    }
}
