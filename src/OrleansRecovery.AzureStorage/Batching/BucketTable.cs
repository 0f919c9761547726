using Azure;
using Azure.Data.Tables;
using Orleans.Storage;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Batching;

/// <summary>
/// The batching table as one silo uses it: its client, the bucket count, the silo's <see cref="BucketWriter"/> and the record
/// serializer of the default layout (<see cref="ExactSizeGrainStorageSerializer"/>), so both layouts hold the same bytes.
/// Registered per storage name; creates the table on first use.
/// </summary>
internal sealed class BucketTable : ITransactionRecordStoreFactory
{
    private readonly TableClient _client;
    private readonly object _creating = new();
    private Task? _creation;

    public BucketTable(TableClient client, string serviceId, int bucketCount, int maxOperations, int maxBytes, TimeSpan delay,
        IGrainStorageSerializer serializer)
    {
        _client = client;
        ServiceId = serviceId;
        BucketCount = bucketCount;
        Serializer = serializer;
        Writer = new BucketWriter(client, maxOperations, maxBytes, delay);
    }

    /// <summary>The cluster's ServiceId, part of every partition key.</summary>
    public string ServiceId { get; }

    public int BucketCount { get; }

    public IGrainStorageSerializer Serializer { get; }

    public BucketWriter Writer { get; }

    /// <summary>Range queries sent (each one storage request per page).</summary>
    public long ReadsSent => Interlocked.Read(ref _readsSent);

    private long _readsSent;

    /// <summary>A test's calls around reads and writes; null in production.</summary>
    public BucketStoreHooks? Hooks { get; init; }

    public ITransactionRecordStore Create(GrainId grainId, string transactionId) => new BucketTransactionStore(this, grainId, transactionId);

    /// <summary>The partition (bucket) holding <paramref name="transactionId"/>'s records.</summary>
    public string PartitionKeyOf(string transactionId) => BucketKeys.PartitionKey(ServiceId, BucketKeys.Bucket(transactionId, BucketCount));

    /// <summary>Every stored record of <paramref name="transactionId"/> by record name (<c>txn</c>, <c>txn-pending-N</c>), in one query.</summary>
    public async Task<Dictionary<string, TableEntity>> ReadRecordsAsync(string transactionId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync().ConfigureAwait(false);
        var partitionKey = PartitionKeyOf(transactionId);
        var (from, to) = BucketKeys.RowRange(transactionId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {from} and RowKey lt {to}");
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var page in _client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            Interlocked.Increment(ref _readsSent);
            foreach (var row in page.Values)
            {
                rows[row.RowKey[(row.RowKey.IndexOf(BucketKeys.Separator, StringComparison.Ordinal) + 1)..]] = row;
            }
        }

        return rows;
    }

    /// <summary>Creates the table once; a failed attempt is not kept, so the next read tries again.</summary>
    private Task EnsureCreatedAsync()
    {
        lock (_creating)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                _creation = _client.CreateIfNotExistsAsync();
            }

            return _creation;
        }
    }
}
