using Azure;
using Azure.Data.Tables;
using Orleans.Storage;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Batching;

/// <summary>
/// One transaction's records in the batching layout: rows <c>{id}|txn</c> and <c>{id}|txn-pending-N</c> in its bucket's
/// partition, holding the same serialized records as the default layout. Loading is one range query over the transaction's
/// rows; writes go through the silo's <see cref="BucketWriter"/>, each record under the ETag this store last saw.
/// </summary>
internal sealed class BucketTransactionStore : ITransactionRecordStore
{
    private readonly BucketTable _table;
    private readonly string _transactionId;
    private readonly string _partitionKey;
    private readonly Dictionary<long, ETag> _segmentETags = [];
    private ETag? _headerETag;

    private readonly GrainId _grainId;

    public BucketTransactionStore(BucketTable table, GrainId grainId, string transactionId)
    {
        _table = table;
        _grainId = grainId;
        _transactionId = transactionId;
        _partitionKey = table.PartitionKeyOf(transactionId);
    }

    public async Task<TransactionState> LoadAsync(RecoveryLimits limits, Func<object?> initialData, CancellationToken cancellationToken)
    {
        _segmentETags.Clear();
        _headerETag = null;
        if (_table.Hooks?.BeforeRead is { } beforeRead)
        {
            await beforeRead(StateNames.Header, _grainId, cancellationToken).ConfigureAwait(false);
        }

        var rows = await _table.ReadRecordsAsync(_transactionId, cancellationToken).ConfigureAwait(false);
        TransactionHeaderRecord? header = null;
        if (rows.TryGetValue(StateNames.Header, out var headerRow))
        {
            header = _table.Serializer.Deserialize<TransactionHeaderRecord>(new BinaryData(RecordEntity.Data(headerRow)));
            _headerETag = headerRow.ETag;
        }

        // As in the default layout: segments from the header's first segment until the first missing one. Rows below it are
        // cleared garbage whose deletion was cut off; rows past a gap were never acknowledged.
        var segments = new List<PendingSegmentRecord>();
        for (var index = header?.FirstSegment ?? 0; header is not null; index++)
        {
            if (!rows.TryGetValue(StateNames.Segment(index), out var row))
            {
                break;
            }

            segments.Add(_table.Serializer.Deserialize<PendingSegmentRecord>(new BinaryData(RecordEntity.Data(row)))!);
            _segmentETags[index] = row.ETag;
        }

        return TransactionRecords.ToState(header, segments, limits, initialData);
    }

    public async Task WriteAsync(TransactionState state, WriteSet writes, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (writes.Header)
        {
            names.Add(StateNames.Header);
        }

        names.AddRange(writes.Segments.Select(StateNames.Segment));
        if (_table.Hooks?.BeforeWrite is { } beforeWrite)
        {
            foreach (var name in names)
            {
                await beforeWrite(name, _grainId, cancellationToken).ConfigureAwait(false);
            }
        }

        var actions = new List<TableTransactionAction>();
        var records = new List<long?>(); // null: the header; else the segment index
        if (writes.Header)
        {
            actions.Add(Put(StateNames.Header, _table.Serializer.Serialize(TransactionRecords.ToHeader(state)), _headerETag));
            records.Add(null);
        }

        foreach (var index in writes.Segments)
        {
            var eTag = _segmentETags.TryGetValue(index, out var known) ? known : (ETag?)null;
            actions.Add(Put(StateNames.Segment(index), _table.Serializer.Serialize(TransactionRecords.ToSegment(state, index)), eTag));
            records.Add(index);
        }

        if (actions.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var eTags = await _table.Writer.WriteAsync(_partitionKey, new RecordWrite(_transactionId, actions)).ConfigureAwait(false);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is long index)
            {
                _segmentETags[index] = eTags[i]!.Value;
            }
            else
            {
                _headerETag = eTags[i];
            }
        }

        if (_table.Hooks?.AfterWrite is { } afterWrite)
        {
            foreach (var name in names)
            {
                await afterWrite(name, _grainId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task ClearAsync(IEnumerable<long> garbage, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>();
        foreach (var index in garbage)
        {
            if (_segmentETags.Remove(index, out var eTag))
            {
                var entity = new TableEntity(_partitionKey, BucketKeys.RowKey(_transactionId, StateNames.Segment(index)));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, eTag));
            }
        }

        if (actions.Count > 0)
        {
            await _table.Writer.WriteAsync(_partitionKey, new RecordWrite(_transactionId, actions)).ConfigureAwait(false);
        }
    }

    /// <summary>Insert when the record was not seen (fails if someone else stored it), else replace at the ETag seen.</summary>
    private TableTransactionAction Put(string recordName, BinaryData data, ETag? eTag)
    {
        var entity = RecordEntity.ToEntity(_partitionKey, BucketKeys.RowKey(_transactionId, recordName), data.ToMemory());
        return eTag is { } seen
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, seen)
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }
}
