using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRecovery.Batching;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Hosting;

/// <summary>
/// Registers the batching layout for the transaction records of one storage name: its options (named by the storage name,
/// validated when the silo starts), and the record store factory the grain and the registry look up by that name.
/// </summary>
internal static class TransactionTableBatchingRegistration
{
    public static ISiloBuilder AddTransactionRecoveryTableBatching(this ISiloBuilder builder, string storageName,
        Func<IServiceProvider, TableServiceClient> client, TransactionTableBatchingOptions batching, string section)
    {
        var validator = new TransactionTableBatchingOptionsValidator(section);
        var validation = validator.Validate(storageName, batching);
        if (validation.Failed)
        {
            throw new OptionsValidationException(storageName, typeof(TransactionTableBatchingOptions),
                validation.Failures ?? [validation.FailureMessage]);
        }

        // Options the Orleans way: a later Configure<TransactionTableBatchingOptions>(storageName, …) is seen, and checked at start.
        builder.Services.AddOptions<TransactionTableBatchingOptions>(storageName)
            .Configure(o =>
            {
                o.Enabled = true;
                o.TableName = batching.TableName;
                o.BucketCount = batching.BucketCount;
                o.MaxBatchOperations = batching.MaxBatchOperations;
                o.MaxBatchBytes = batching.MaxBatchBytes;
                o.MaxBatchDelay = batching.MaxBatchDelay;
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransactionTableBatchingOptions>>(validator));
        builder.Services.AddKeyedSingleton<ITransactionRecordStoreFactory>(storageName, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptionsMonitor<TransactionTableBatchingOptions>>().Get(storageName);
            return new BucketTable(client(sp).GetTableClient(o.TableName),
                sp.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId, o.BucketCount, o.MaxBatchOperations, o.MaxBatchBytes,
                o.MaxBatchDelay, new ExactSizeGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>()))
            {
                Hooks = sp.GetKeyedService<BucketStoreHooks>(storageName),
            };
        });
        return builder;
    }
}
