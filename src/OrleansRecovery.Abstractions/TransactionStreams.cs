namespace OrleansRecovery;

/// <summary>Names shared by silos, clients and stream producers.</summary>
public static class TransactionStreams
{
    /// <summary>The default name of the stream provider (Azure Queue persistent streams) carrying transaction messages.</summary>
    public const string ProviderName = "TransactionStreams";

    /// <summary>Namespace of inbound streams: events are <see cref="TransactionMessage"/>, the stream key is the transaction id.</summary>
    public const string InboundNamespace = "transactions";

    /// <summary>
    /// Namespace of outbound streams: events are <see cref="RecoveryRequested"/>. A transaction that enters recovery by itself (a
    /// call, a message of an open scope, a stuck recovery asked again) publishes on the stream keyed by its transaction id; a
    /// campaign publishes its members' requests on the stream keyed by the campaign id, in batches (one queue message carries up
    /// to <see cref="CampaignAnnouncementBatch"/> of them). Consumers read the transaction from <see cref="RecoveryRequested.TransactionId"/>.
    /// </summary>
    public const string RecoveryRequestsNamespace = "transaction-recovery-requests";

    /// <summary>Most <see cref="RecoveryRequested"/> events a campaign puts in one queue message (an Azure queue message holds 64 KiB).</summary>
    public const int CampaignAnnouncementBatch = 64;

    /// <summary>The default prefix of the Azure queue names used by the stream provider.</summary>
    public const string DefaultQueuePrefix = "orleansrecovery";

    /// <summary>The default number of Azure queues used by the stream provider.</summary>
    public const int DefaultQueueCount = 4;

    /// <summary>
    /// The Azure queue names a silo and every producer must share: <c>{prefix}-0</c> … <c>{prefix}-{count-1}</c>. Explicit names
    /// (rather than Orleans' ServiceId-derived defaults) let producers publish without knowing the cluster's ServiceId.
    /// </summary>
    public static List<string> QueueNames(string prefix = DefaultQueuePrefix, int count = DefaultQueueCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}")];
    }
}
