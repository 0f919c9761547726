using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// One Azurite and one in-process cluster: the engine wired exactly as shipped (<c>UseTransactionRecoveryAzureStorage</c> +
/// <c>AddTransactionRecovery&lt;LedgerLogic&gt;</c>, through <see cref="TransactionTestCluster"/>), plus the naive grains'
/// Azure Table storage on the same account (own table, same binary serializer; and a default-JSON variant). The engine's storage
/// provider is wrapped in a <see cref="CountingGrainStorage"/> (counts by record kind, registry bytes).
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    /// <summary>The table of the naive grains.</summary>
    public const string NaiveTable = "BenchNaiveState";

    private readonly AzuriteInstance _azurite;

    private BenchHost(AzuriteInstance azurite, TransactionTestCluster cluster)
    {
        _azurite = azurite;
        Cluster = cluster;
    }

    /// <summary>The cluster.</summary>
    public TransactionTestCluster Cluster { get; }

    /// <summary>The client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The storage account.</summary>
    public string ConnectionString => Cluster.ConnectionString;

    /// <summary>The Azurite process id (for its memory).</summary>
    public int AzuriteProcessId => _azurite.ProcessId;

    /// <summary>Starts Azurite and the cluster with the stream settings of <paramref name="options"/>.</summary>
    public static async Task<BenchHost> StartAsync(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? location = null;
        if (options.AzuriteLocation is { } root)
        {
            location = Path.Combine(root, "azurite-" + Guid.NewGuid().ToString("N")[..8]);
        }

        var azurite = await AzuriteInstance.StartAsync(new AzuriteOptions { Location = location });
        try
        {
            var connection = azurite.ConnectionString;
            var cluster = await TransactionTestCluster.StartAsync<LedgerLogic>(connection, c =>
            {
                c.SiloCount = options.Silos;
                c.WrapStorage = (services, inner) =>
                    new CountingGrainStorage(inner, services.GetRequiredService<Orleans.Serialization.Serializer>());
                c.QueueCount = options.QueueCount;
                c.ConfigureAzureStorage = a =>
                {
                    a.QueuePollPeriod = options.PollPeriod;
                    a.BatchContainerBatchSize = options.BatchContainerBatchSize;
                    a.MessageVisibilityTimeout = options.VisibilityTimeout ?? a.MessageVisibilityTimeout;
                    if (options.Batching)
                    {
                        a.Batching.Enabled = true;
                        a.Batching.BucketCount = options.FleetBuckets ?? a.Batching.BucketCount;
                    }
                };
                c.ConfigureSilo = silo =>
                {
                    silo.Services.AddLogging(l =>
                    {
                        l.SetMinimumLevel(LogLevel.Warning);
                        if (options.LogWarnings)
                        {
                            l.AddSimpleConsole(o => o.SingleLine = true);
                        }
                    });
                    if (options.DedupWindow is { } window)
                    {
                        silo.Services.PostConfigure<TransactionRecoveryOptions>(o => o.DedupWindow = window);
                    }

                    silo.Services.PostConfigure<TransactionRecoveryOptions>(o =>
                    {
                        o.RegistryShards = options.RegistryShards ?? o.RegistryShards;
                        o.AnnounceRecoveries = o.AnnounceRecoveries && !options.NoAnnounce;
                        o.TimelineCapacity = options.TimelineCapacity ?? o.TimelineCapacity;
                    });

                    if (options.CacheSize is { } cacheSize)
                    {
                        // Not exposed by UseTransactionRecoveryAzureStorage: the provider's named SimpleQueueCacheOptions.
                        silo.Services.Configure<SimpleQueueCacheOptions>(TransactionStreams.ProviderName, o => o.CacheSize = cacheSize);
                    }

                    silo.AddAzureTableGrainStorage(NaiveStorage.Binary, ob => ob.Configure<IServiceProvider>((o, sp) =>
                    {
                        o.TableServiceClient = new TableServiceClient(connection);
                        o.TableName = NaiveTable;
                        o.GrainStorageSerializer = new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>());
                    }));
                    silo.AddAzureTableGrainStorage(NaiveStorage.Control, ob => ob.Configure<IServiceProvider>((o, sp) =>
                    {
                        o.TableServiceClient = new TableServiceClient(connection);
                        o.TableName = NaiveTable + "Control";
                        o.GrainStorageSerializer = new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>());
                    }));
                    silo.AddAzureTableGrainStorage(NaiveStorage.Json, ob => ob.Configure(o =>
                    {
                        o.TableServiceClient = new TableServiceClient(connection);
                        o.TableName = NaiveTable + "Json";
                    }));
                };
                c.ConfigureClient = client => client.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            });
            return new BenchHost(azurite, cluster);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Peak resident memory of the Azurite process in MiB (VmHWM), or null when unknown.</summary>
    public double? AzuritePeakMb() => Machine.PeakRssMb(AzuriteProcessId);

    /// <summary>Stops the cluster and Azurite.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            // A cluster whose pulling agents are stuck on a saturated Azurite may not stop promptly; Azurite is killed anyway.
            await Cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Console.WriteLine("(cluster did not stop within 30 s; killing Azurite)");
        }
        finally
        {
            await _azurite.DisposeAsync();
        }
    }
}
