using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers.Streams.AzureQueue;
using OrleansRecovery.Diagnostics;
using Orleans.Configuration;
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
    /// With <see cref="TransactionAzureStorageOptions.Batching"/> enabled, transaction records are stored in the batching layout
    /// (<see cref="TransactionTableBatchingOptions"/>). Clustering is left to the host. A host configured through Orleans' own keys gets the same two providers with
    /// <see cref="TransactionAzureProviderTypes"/> as their <c>ProviderType</c> instead.
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
        ThrowIfInvalid(azure, new TransactionAzureStorageOptionsValidator());
        builder.AddTransactionRecoveryTableStorage(azure.StorageProviderName, _ => new TableServiceClient(connectionString), azure.TableName,
            TransactionTableBatchingOptions.SectionName);
        if (azure.Batching.Enabled)
        {
            builder.AddTransactionRecoveryTableBatching(azure.StorageProviderName, _ => new TableServiceClient(connectionString),
                azure.Batching, TransactionTableBatchingOptions.SectionName);
        }
        builder.AddTransactionRecoveryQueueStreams(azure.StreamProviderName, _ => new QueueServiceClient(connectionString), azure);
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

    /// <summary>
    /// The grain storage for transaction records, named <paramref name="name"/>, in table <paramref name="tableName"/> of the
    /// account <paramref name="client"/> returns: the Orleans binary serializer, one exactly sized array per write, and cleared
    /// records deleted (pending-log segments are cleared once replayed). The silo refuses to start when the records were stored
    /// in another layout than the one configured (<see cref="TransactionLayoutGuard"/>; <paramref name="batchingSection"/> names
    /// the settings in its message).
    /// </summary>
    internal static ISiloBuilder AddTransactionRecoveryTableStorage(this ISiloBuilder builder, string name,
        Func<IServiceProvider, TableServiceClient> client, string tableName, string batchingSection)
    {
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new TransactionLayoutGuard(
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, name, client(sp), tableName,
            sp.GetRequiredService<IOptionsMonitor<TransactionTableBatchingOptions>>(), batchingSection,
            sp.GetRequiredService<ILogger<TransactionLayoutGuard>>()));
        return builder.AddAzureTableGrainStorage(name, optionsBuilder => optionsBuilder.Configure<IServiceProvider>((o, sp) =>
        {
            o.TableServiceClient = client(sp);
            o.TableName = tableName;
            o.GrainStorageSerializer = new OrleansRecovery.Storage.ExactSizeGrainStorageSerializer(
                sp.GetRequiredService<Orleans.Serialization.Serializer>());
            o.DeleteStateOnClear = true;
        }));
    }

    /// <summary>
    /// Azure Queue persistent streams named <paramref name="name"/> on the account <paramref name="client"/> returns: implicit
    /// subscriptions only, the queues producers use (<see cref="TransactionAzureStorageOptions.QueuePrefix"/>, <c>QueueCount</c>),
    /// the pulling agent and cache tuned as <paramref name="azure"/> says, and a queue message that is not Orleans events read as
    /// an empty batch (logged, counted, deleted) so that it cannot stall its queue. The silo also calls <c>AddTransactionRecovery</c>.
    /// </summary>
    internal static ISiloBuilder AddTransactionRecoveryQueueStreams(this ISiloBuilder builder, string name,
        Func<IServiceProvider, QueueServiceClient> client, TransactionAzureStorageOptions azure)
    {
        builder.AddAzureQueueStreams(name, (SiloAzureQueueStreamConfigurator c) =>
        {
            c.ConfigureAzureQueue(ob => ob.Configure<IServiceProvider>((o, sp) =>
            {
                o.QueueServiceClient = client(sp);
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

        // RecoveryMetrics (which counts such messages) is registered by AddTransactionRecovery, with what the engine gives it.
        builder.Services.AddKeyedSingleton<IQueueDataAdapter<string, IBatchContainer>>(name, (sp, _) =>
            new OrleansRecovery.Streams.UndeliverableQueueMessages(
                ActivatorUtilities.CreateInstance<AzureQueueDataAdapterV2>(sp),
                name,
                sp.GetRequiredService<RecoveryMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Streams.UndeliverableQueueMessages")));
        return builder;
    }

    /// <summary>Throws the failures of <paramref name="validator"/> for <paramref name="azure"/>, each naming its setting.</summary>
    internal static void ThrowIfInvalid(TransactionAzureStorageOptions azure, TransactionAzureStorageOptionsValidator validator)
    {
        var validation = validator.Validate(Options.DefaultName, azure);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TransactionAzureStorageOptions),
                validation.Failures ?? [validation.FailureMessage]);
        }
    }
}
