namespace OrleansRecovery.Hosting;

/// <summary>
/// The batching layout of transaction records on Azure Table (opt-in): the records of many transactions share a partition (a
/// bucket), and the writes a silo's transactions make at the same moment go to storage as one entity group transaction per
/// bucket. Off by default; the default layout (one partition per transaction, one request per record) keeps working and loading.
/// </summary>
public sealed class TransactionTableBatchingOptions
{
    /// <summary>The configuration section, under <see cref="TransactionAzureStorageOptions.SectionName"/>.</summary>
    public const string SectionName = TransactionAzureStorageOptions.SectionName + ":Batching";

    /// <summary>Azure allows at most 100 operations in one entity group transaction.</summary>
    public const int MaxOperationsAllowed = 100;

    /// <summary>Azure allows at most 4 MiB of payload in one entity group transaction.</summary>
    public const int MaxBytesAllowed = 4 * 1024 * 1024;

    /// <summary>Store transaction records in the batching layout. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Azure table holding the buckets. Default <c>OrleansRecoveryTransactionBuckets</c>; a table of its own, so the two layouts
    /// never share a row.
    /// </summary>
    public string TableName { get; set; } = "OrleansRecoveryTransactionBuckets";

    /// <summary>
    /// Number of buckets (partitions) transactions are spread over by a stable hash of their id. Default 16. Fewer buckets put
    /// more writes in each batch (fewer requests); each bucket has one batch in flight per silo, so more buckets write more in
    /// parallel, and Azure serves each partition up to about 2,000 entities/s. Measured on Azurite with 256 callers (fleet
    /// benchmark, quick): 8 buckets 0.16 requests per message, 16 buckets 0.22, 32 buckets 0.32. Changing it moves every
    /// transaction to another bucket: records written before would no longer be found. Fix it before first use.
    /// </summary>
    public int BucketCount { get; set; } = 16;

    /// <summary>Operations per batch, at most <see cref="MaxOperationsAllowed"/>. Default 100.</summary>
    public int MaxBatchOperations { get; set; } = MaxOperationsAllowed;

    /// <summary>
    /// Estimated request bytes per batch (binary properties counted as base64, plus a per-operation allowance), at most
    /// <see cref="MaxBytesAllowed"/>. Default 3.5 MiB, leaving room for what the estimate leaves out.
    /// </summary>
    public int MaxBatchBytes { get; set; } = 3_670_016;

    /// <summary>
    /// How long a bucket waits for more writes after the first one arrives while it is idle. Default zero: group commit only,
    /// the writes that arrive while a bucket's batch is in flight form its next batch, so an idle silo adds no latency.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;
}
