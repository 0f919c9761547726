using Azure.Storage.Queues;
using OrleansRecovery;
using OrleansRecovery.Client;

namespace Orleans.Hosting;

/// <summary>Client-side wiring for OrleansRecovery.</summary>
public static class TransactionRecoveryClientBuilderExtensions
{
    /// <summary>
    /// Adds the Azure Queue stream provider that silos configured with <c>UseTransactionRecoveryAzureStorage</c> consume, so
    /// this client can publish transaction messages. <paramref name="queuePrefix"/> and <paramref name="queueCount"/> must match
    /// the silos'.
    /// </summary>
    public static IClientBuilder UseTransactionRecoveryStreams(this IClientBuilder builder, string connectionString,
        string providerName = TransactionStreams.ProviderName, string queuePrefix = TransactionStreams.DefaultQueuePrefix,
        int queueCount = TransactionStreams.DefaultQueueCount)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.AddAzureQueueStreams(providerName, ob => ob.Configure(o =>
        {
            o.QueueServiceClient = new QueueServiceClient(connectionString);
            o.QueueNames = TransactionStreams.QueueNames(queuePrefix, queueCount);
        }));
        return builder;
    }
}
