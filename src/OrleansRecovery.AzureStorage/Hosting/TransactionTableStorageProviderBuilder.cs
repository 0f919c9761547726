using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using OrleansRecovery.Hosting;

[assembly: RegisterProvider(TransactionAzureProviderTypes.TableStorage, "GrainStorage", "Silo", typeof(TransactionTableStorageProviderBuilder))]

namespace OrleansRecovery.Hosting;

/// <summary>
/// Builds the transaction records' grain storage from <c>Orleans:GrainStorage:{name}</c> when its <c>ProviderType</c> is
/// <see cref="TransactionAzureProviderTypes.TableStorage"/>; Orleans calls it while it reads its configuration. A
/// <c>Batching</c> subsection with <c>Enabled: true</c> stores transaction records in the batching layout
/// (<see cref="TransactionTableBatchingOptions"/>).
/// </summary>
internal sealed class TransactionTableStorageProviderBuilder : IProviderBuilder<ISiloBuilder>
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configurationSection);
        var azure = new TransactionAzureStorageOptions();
        if (configurationSection["TableName"] is { Length: > 0 } tableName)
        {
            azure.TableName = tableName;
        }

        configurationSection.GetSection("Batching").Bind(azure.Batching);
        TransactionAzureStorageSiloBuilderExtensions.ThrowIfInvalid(azure, new TransactionAzureStorageOptionsValidator(configurationSection.Path));
        Func<IServiceProvider, TableServiceClient> client = sp => AzureStorageClients.Resolve(sp, configurationSection,
            s => new TableServiceClient(s), uri => new TableServiceClient(uri, new DefaultAzureCredential()));
        var storageName = name ?? configurationSection.Key;
        builder.AddTransactionRecoveryTableStorage(storageName, client, azure.TableName, configurationSection.Path + ":Batching");
        if (azure.Batching.Enabled)
        {
            builder.AddTransactionRecoveryTableBatching(storageName, client, azure.Batching, configurationSection.Path + ":Batching");
        }
    }
}
