using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers.Streams.AzureQueue;
using OrleansRecovery.Diagnostics;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Streams;
using OrleansRecovery.Hosting;

namespace Orleans.Hosting;

/// <summary>Wires Azure Storage (or Azurite) into a silo for OrleansRecovery: grain storage, queue streams and reminders.</summary>
public static class TransactionAzureStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds, on the storage account of <paramref name="connectionString"/>: an Azure Table grain storage for transaction records
    /// using the Orleans binary serializer (compact, no type-name JSON, one exactly sized array per write, deletes cleared
    /// segments); Azure Queue persistent streams with implicit subscriptions only, on explicitly named queues shared with
    /// producers; and Azure Table reminders.
    /// Clustering is left to the host.
    /// </summary>
    /// <exception cref="OptionsValidationException">
    /// The options are invalid (<see cref="TransactionAzureStorageOptionsValidator"/>); each failure names its setting. They are
    /// checked here rather than when the silo starts because they name the providers registered by this call.
    /// </exception>
    public static ISiloBuilder UseTransactionRecoveryAzureStorage(this ISiloBuilder builder, string connectionString,
        Action<TransactionAzureStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var azure = new TransactionAzureStorageOptions();
        configure?.Invoke(azure);
        var validation = new TransactionAzureStorageOptionsValidator().Validate(Options.DefaultName, azure);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TransactionAzureStorageOptions),
                validation.Failures ?? [validation.FailureMessage]);
        }

        builder.AddAzureTableGrainStorage(azure.StorageProviderName, optionsBuilder => optionsBuilder.Configure<IServiceProvider>((o, sp) =>
        {
            o.TableServiceClient = new TableServiceClient(connectionString);
            o.TableName = azure.TableName;
            o.GrainStorageSerializer = new OrleansRecovery.Storage.ExactSizeGrainStorageSerializer(
                sp.GetRequiredService<Orleans.Serialization.Serializer>());
            o.DeleteStateOnClear = true;
        }));

        builder.AddAzureQueueStreams(azure.StreamProviderName, (SiloAzureQueueStreamConfigurator c) =>
        {
            c.ConfigureAzureQueue(ob => ob.Configure(o =>
            {
                o.QueueServiceClient = new QueueServiceClient(connectionString);
                o.QueueNames = OrleansRecovery.TransactionStreams.QueueNames(azure.QueuePrefix, azure.QueueCount);
                o.MessageVisibilityTimeout = azure.MessageVisibilityTimeout;
            }));
            c.ConfigurePullingAgent(ob => ob.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = azure.QueuePollPeriod;
                o.BatchContainerBatchSize = azure.BatchContainerBatchSize;
            }));
            c.ConfigureCacheSize(azure.QueueCacheSize);
            c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

        // A queue message that is not Orleans events must not stall its queue: read it as an empty batch, log, count, delete.
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<OrleansRecovery.Registry.RegistryCensus>();
        builder.Services.TryAddSingleton(sp => new RecoveryMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<OrleansRecovery.Registry.RegistryCensus>()));
        builder.Services.AddKeyedSingleton<IQueueDataAdapter<string, IBatchContainer>>(azure.StreamProviderName, (sp, _) =>
            new OrleansRecovery.Streams.UndeliverableQueueMessages(
                ActivatorUtilities.CreateInstance<AzureQueueDataAdapterV2>(sp),
                azure.StreamProviderName,
                sp.GetRequiredService<RecoveryMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Streams.UndeliverableQueueMessages")));

        if (azure.UseReminders)
        {
            builder.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(connectionString));
        }

        builder.Services.Configure<TransactionRecoveryOptions>(o =>
        {
            o.StorageProviderName = azure.StorageProviderName;
            o.StreamProviderName = azure.StreamProviderName;
        });
        return builder;
    }
}
