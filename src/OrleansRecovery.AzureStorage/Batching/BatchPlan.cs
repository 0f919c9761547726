namespace OrleansRecovery.Batching;

/// <summary>
/// Cuts the writes waiting in one bucket into entity group transactions: at most the configured operations and estimated bytes
/// each, a write never split across two (its records are stored all or none), and at most one write per transaction in one flush
/// (a second waits for the next flush, so a transaction's writes reach storage in the order it made them). A write larger than
/// a batch on its own is planned alone; the writer then sends its operations one at a time, in order. Pure: no I/O.
/// </summary>
internal static class BatchPlan
{
    /// <summary>The batches to send now, and the writes that wait for the next flush, in arrival order.</summary>
    public static (List<List<RecordWrite>> Batches, List<RecordWrite> Deferred) Cut(IReadOnlyList<RecordWrite> waiting,
        int maxOperations, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        var batches = new List<List<RecordWrite>>();
        var deferred = new List<RecordWrite>();
        var owners = new HashSet<string>(StringComparer.Ordinal);
        List<RecordWrite>? current = null;
        int operations = 0, bytes = 0;
        foreach (var write in waiting)
        {
            if (!owners.Add(write.Owner))
            {
                deferred.Add(write);
                continue;
            }

            if (IsOversized(write, maxOperations, maxBytes))
            {
                batches.Add([write]);
                continue;
            }

            if (current is null || operations + write.Actions.Count > maxOperations || bytes + write.EstimatedBytes > maxBytes)
            {
                current = [];
                batches.Add(current);
                operations = 0;
                bytes = 0;
            }

            current.Add(write);
            operations += write.Actions.Count;
            bytes += write.EstimatedBytes;
        }

        return (batches, deferred);
    }

    /// <summary>Whether <paramref name="write"/> alone exceeds a batch's limits.</summary>
    public static bool IsOversized(RecordWrite write, int maxOperations, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(write);
        return write.Actions.Count > maxOperations || write.EstimatedBytes > maxBytes;
    }

    /// <summary>
    /// The write holding operation <paramref name="failedAction"/> of <paramref name="batch"/> (operations numbered across the
    /// batch in order, as Azure reports the one that failed), and the others, which were not stored either and are sent again.
    /// </summary>
    public static (RecordWrite Failed, List<RecordWrite> Others) SplitAt(IReadOnlyList<RecordWrite> batch, int failedAction)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var first = 0;
        foreach (var write in batch)
        {
            if (failedAction < first + write.Actions.Count)
            {
                return (write, batch.Where(w => !ReferenceEquals(w, write)).ToList());
            }

            first += write.Actions.Count;
        }

        throw new ArgumentOutOfRangeException(nameof(failedAction), failedAction, $"The batch has {first} operations.");
    }
}
