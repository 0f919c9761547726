using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Storage;

/// <summary>
/// One transaction's stored records: its header and its pending-log segments, each written under the ETag it was last read or
/// written with, so that a concurrent writer (a duplicate activation) is detected instead of overwritten. The grain and the
/// registry's reconciliation read and write a transaction only through this, whatever the layout in storage.
/// </summary>
internal interface ITransactionRecordStore
{
    /// <summary>
    /// Reads the header, then the segments from the header's first segment until the first missing one, and rebuilds the state;
    /// forgets every ETag held before.
    /// </summary>
    Task<TransactionState> LoadAsync(RecoveryLimits limits, Func<object?> initialData, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the records of <paramref name="state"/> named by <paramref name="writes"/> (header before segments), each on the
    /// condition that it is unchanged since this store last saw it. Any failure propagates: the caller discards its in-memory
    /// state and reloads, since a write whose answer was lost may have been stored.
    /// </summary>
    Task WriteAsync(TransactionState state, WriteSet writes, CancellationToken cancellationToken);

    /// <summary>Deletes segments that hold nothing unapplied. Best effort: a segment left behind is never read again.</summary>
    Task ClearAsync(IEnumerable<long> garbage, CancellationToken cancellationToken);
}
