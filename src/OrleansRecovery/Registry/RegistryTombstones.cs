namespace OrleansRecovery.Registry;

/// <summary>
/// Recent removals of one registry shard, kept in memory only: a report stamped before a removal that arrives after it (a late
/// depth refresh overtaken by the transaction's removal) is dropped instead of listing a healthy transaction again. Bounded by
/// age and by count; a late report older than any tombstone kept is still repaired by the reconciliation pass. Pure.
/// </summary>
internal sealed class RegistryTombstones
{
    private readonly Dictionary<string, DateTimeOffset> _removedAt = new(StringComparer.Ordinal);
    private readonly Queue<(string TransactionId, DateTimeOffset RemovedAt, DateTimeOffset Expires)> _order = new();
    private readonly TimeSpan _keep;
    private readonly int _capacity;

    /// <summary>Keeps each removal for <paramref name="keep"/>, and at most <paramref name="capacity"/> of them (oldest dropped first).</summary>
    public RegistryTombstones(TimeSpan keep, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _keep = keep;
        _capacity = capacity;
    }

    /// <summary>Removals remembered.</summary>
    public int Count => _removedAt.Count;

    /// <summary>Remembers that <paramref name="transactionId"/> was removed by a report stamped <paramref name="removedAt"/>.</summary>
    public void Add(string transactionId, DateTimeOffset removedAt, DateTimeOffset now)
    {
        Expire(now);
        if (_removedAt.TryGetValue(transactionId, out var known) && known >= removedAt)
        {
            return;
        }

        _removedAt[transactionId] = removedAt;
        _order.Enqueue((transactionId, removedAt, now + _keep));
        while (_removedAt.Count > _capacity && _order.TryDequeue(out var oldest))
        {
            Forget(oldest.TransactionId, oldest.RemovedAt);
        }
    }

    /// <summary>True when a report about <paramref name="transactionId"/> stamped <paramref name="reportedAt"/> is older than a remembered removal.</summary>
    public bool Supersedes(string transactionId, DateTimeOffset reportedAt, DateTimeOffset now)
    {
        Expire(now);
        return _removedAt.TryGetValue(transactionId, out var removedAt) && removedAt >= reportedAt;
    }

    private void Expire(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && oldest.Expires <= now)
        {
            _order.Dequeue();
            Forget(oldest.TransactionId, oldest.RemovedAt);
        }
    }

    // A transaction removed twice has two queue items; only the one matching the remembered time forgets it.
    private void Forget(string transactionId, DateTimeOffset removedAt)
    {
        if (_removedAt.TryGetValue(transactionId, out var known) && known == removedAt)
        {
            _removedAt.Remove(transactionId);
        }
    }
}
