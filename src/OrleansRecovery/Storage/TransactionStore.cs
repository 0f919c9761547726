using Orleans.Storage;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Storage;

/// <summary>
/// The default layout: one transaction's records (a header and pending-log segments) read and written through a named
/// <see cref="IGrainStorage"/>, one storage request per record, keeping each record's ETag so that a concurrent writer (a
/// duplicate activation) is detected instead of overwritten.
/// </summary>
internal sealed class TransactionStore : ITransactionRecordStore
{
    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly Dictionary<long, string?> _segmentETags = [];
    private string? _headerETag;

    public TransactionStore(IGrainStorage storage, GrainId grainId)
    {
        _storage = storage;
        _grainId = grainId;
    }

    /// <summary>
    /// Reads the header, then the segments from the header's first segment until the first missing one, and rebuilds the state.
    /// </summary>
    public async Task<TransactionState> LoadAsync(RecoveryLimits limits, Func<object?> initialData, CancellationToken cancellationToken)
    {
        _segmentETags.Clear();
        var header = new GrainState<TransactionHeaderRecord>(new TransactionHeaderRecord());
        await _storage.ReadStateAsync(StateNames.Header, _grainId, header, cancellationToken).ConfigureAwait(false);
        _headerETag = header.ETag;
        var stored = header.RecordExists ? header.State : null;

        var segments = new List<PendingSegmentRecord>();

        // Every path that parks a message writes the header first (entering recovery, an in-doubt or poison message, a scope whose state is unknown), so a
        // transaction without a header has no segments: its first activation costs one read, as a plain grain's does.
        for (var index = stored?.FirstSegment ?? 0; stored is not null; index++)
        {
            var segment = new GrainState<PendingSegmentRecord>(new PendingSegmentRecord());
            await _storage.ReadStateAsync(StateNames.Segment(index), _grainId, segment, cancellationToken).ConfigureAwait(false);
            if (!segment.RecordExists || segment.State is null)
            {
                break;
            }

            _segmentETags[index] = segment.ETag;
            segments.Add(segment.State);
        }

        return TransactionRecords.ToState(stored, segments, limits, initialData);
    }

    /// <summary>
    /// Stores the records of <paramref name="state"/> named by <paramref name="writes"/>: the header first, then segments in
    /// ascending order. Any failure propagates; the caller then discards its in-memory state and reloads.
    /// </summary>
    public async Task WriteAsync(TransactionState state, WriteSet writes, CancellationToken cancellationToken)
    {
        if (writes.Header)
        {
            var header = new GrainState<TransactionHeaderRecord>(TransactionRecords.ToHeader(state), _headerETag);
            await _storage.WriteStateAsync(StateNames.Header, _grainId, header, cancellationToken).ConfigureAwait(false);
            _headerETag = header.ETag;
        }

        foreach (var index in writes.Segments)
        {
            _segmentETags.TryGetValue(index, out var eTag);
            var segment = new GrainState<PendingSegmentRecord>(TransactionRecords.ToSegment(state, index), eTag);
            await _storage.WriteStateAsync(StateNames.Segment(index), _grainId, segment, cancellationToken).ConfigureAwait(false);
            _segmentETags[index] = segment.ETag;
        }
    }

    /// <summary>Deletes segments that hold nothing unapplied. Best effort: a segment left behind is never read again.</summary>
    public async Task ClearAsync(IEnumerable<long> garbage, CancellationToken cancellationToken)
    {
        foreach (var index in garbage)
        {
            if (!_segmentETags.Remove(index, out var eTag))
            {
                continue;
            }

            var segment = new GrainState<PendingSegmentRecord>(new PendingSegmentRecord(), eTag) { RecordExists = true };
            await _storage.ClearStateAsync(StateNames.Segment(index), _grainId, segment, cancellationToken).ConfigureAwait(false);
        }
    }
}
