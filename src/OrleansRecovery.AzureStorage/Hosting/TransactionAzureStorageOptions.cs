namespace OrleansRecovery.Hosting;

/// <summary>How <c>UseTransactionRecoveryAzureStorage</c> wires Azure Storage into a silo.</summary>
public sealed class TransactionAzureStorageOptions
{
    /// <summary>The configuration section these options are bound from by the silo host.</summary>
    public const string SectionName = "OrleansRecovery:Azure";

    /// <summary>Grain storage name for transaction records. Default <c>transactions</c>.</summary>
    public string StorageProviderName { get; set; } = TransactionRecoveryOptions.DefaultStorageProviderName;

    /// <summary>Azure table holding transaction records. Default <c>OrleansRecoveryTransactions</c>.</summary>
    public string TableName { get; set; } = "OrleansRecoveryTransactions";

    /// <summary>Stream provider name. Default <see cref="TransactionStreams.ProviderName"/>.</summary>
    public string StreamProviderName { get; set; } = TransactionStreams.ProviderName;

    /// <summary>Prefix of the Azure queue names, shared with producers. Default <see cref="TransactionStreams.DefaultQueuePrefix"/>.</summary>
    public string QueuePrefix { get; set; } = TransactionStreams.DefaultQueuePrefix;

    /// <summary>Number of Azure queues, shared with producers. Default <see cref="TransactionStreams.DefaultQueueCount"/>.</summary>
    public int QueueCount { get; set; } = TransactionStreams.DefaultQueueCount;

    /// <summary>How often each pulling agent polls its queue. Default 100 ms (Orleans' default).</summary>
    public TimeSpan QueuePollPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Events per batch handed to consumers by a pulling agent. Default 1 (Orleans' default).</summary>
    public int BatchContainerBatchSize { get; set; } = 1;

    /// <summary>
    /// How long a received queue message stays invisible before it is redelivered if not deleted. Default 30 s (Azure's default).
    /// </summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events each pulling agent keeps cached per queue. Default 128 (Orleans' default is 4,096). Measured here: the provider
    /// deletes a queue message only when it leaves this cache, so a large cache keeps thousands of delivered messages in the
    /// queue, Azure(ite) slows with depth, and messages pass the visibility timeout and come back as duplicates (211 in a
    /// 20,000-event run with 4,096; none with 128).
    /// </summary>
    public int QueueCacheSize { get; set; } = 128;

    /// <summary>
    /// The batching layout of transaction records (section <c>Batching</c>); off by default. When enabled, transaction headers
    /// and pending-log segments go to <see cref="TransactionTableBatchingOptions.TableName"/> in shared partitions, written in
    /// entity group transactions; the registry, scopes and campaigns stay in <see cref="TableName"/>.
    /// </summary>
    public TransactionTableBatchingOptions Batching { get; set; } = new();

    /// <summary>Register Azure Table reminders (needed by the watchdog). Default true.</summary>
    public bool UseReminders { get; set; } = true;
}
