namespace OrleansRecovery;

/// <summary>Names shared by silos, clients and stream producers.</summary>
public static class TransactionStreams
{
    /// <summary>The default name of the stream provider (Azure Queue persistent streams) carrying transaction messages.</summary>
    public const string ProviderName = "TransactionStreams";

    /// <summary>Namespace of inbound streams: events are <see cref="TransactionMessage"/>, the stream key is the transaction id.</summary>
    public const string InboundNamespace = "transactions";

    /// <summary>Namespace of outbound streams: events are <see cref="RecoveryRequested"/>, the stream key is the transaction id.</summary>
    public const string RecoveryRequestsNamespace = "transaction-recovery-requests";
}
