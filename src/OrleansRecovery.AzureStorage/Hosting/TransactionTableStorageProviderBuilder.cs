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
/// <see cref="TransactionAzureProviderTypes.TableStorage"/>; Orleans calls it while it reads its configuration.
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

        TransactionAzureStorageSiloBuilderExtensions.ThrowIfInvalid(azure, new TransactionAzureStorageOptionsValidator(configurationSection.Path));
        builder.AddTransactionRecoveryTableStorage(name ?? configurationSection.Key,
            sp => AzureStorageClients.Resolve(sp, configurationSection, s => new TableServiceClient(s),
                uri => new TableServiceClient(uri, new DefaultAzureCredential())),
            azure.TableName);
    }
}
