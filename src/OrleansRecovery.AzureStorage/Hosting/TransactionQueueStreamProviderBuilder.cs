using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using OrleansRecovery.Hosting;

[assembly: RegisterProvider(TransactionAzureProviderTypes.QueueStorage, "Streaming", "Silo", typeof(TransactionQueueStreamProviderBuilder))]

namespace OrleansRecovery.Hosting;

/// <summary>
/// Builds the transaction streams from <c>Orleans:Streaming:{name}</c> when its <c>ProviderType</c> is
/// <see cref="TransactionAzureProviderTypes.QueueStorage"/>; the section's queue settings (<c>QueuePrefix</c>, <c>QueueCount</c>,
/// <c>QueueCacheSize</c>, <c>QueuePollPeriod</c>, <c>BatchContainerBatchSize</c>, <c>MessageVisibilityTimeout</c>) are those of
/// <see cref="TransactionAzureStorageOptions"/>, validated here with the failing key named.
/// </summary>
internal sealed class TransactionQueueStreamProviderBuilder : IProviderBuilder<ISiloBuilder>
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configurationSection);
        var azure = new TransactionAzureStorageOptions();
        configurationSection.Bind(azure);
        azure.StreamProviderName = name ?? configurationSection.Key;
        TransactionAzureStorageSiloBuilderExtensions.ThrowIfInvalid(azure, new TransactionAzureStorageOptionsValidator(configurationSection.Path));
        builder.AddTransactionRecoveryQueueStreams(azure.StreamProviderName,
            sp => AzureStorageClients.Resolve(sp, configurationSection, s => new QueueServiceClient(s),
                uri => new QueueServiceClient(uri, new DefaultAzureCredential())),
            azure);
    }
}
