using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Batching;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// A second cluster in the benchmark's process, on the same Azurite, with the batching layout of transaction records
/// (<c>OrleansRecovery:Azure:Batching:Enabled</c>; <c>--fleet-buckets</c> buckets): the arm that many and fleet compare.
/// </summary>
internal sealed class BatchingCluster : IAsyncDisposable
{
    private readonly List<BucketTable> _buckets;

    private BatchingCluster(TransactionTestCluster cluster)
    {
        Cluster = cluster;
        _buckets = [.. cluster.Cluster.Silos
            .Select(s => s.ServiceProvider.GetRequiredKeyedService<ITransactionRecordStoreFactory>(TransactionRecoveryOptions.DefaultStorageProviderName))
            .Cast<BucketTable>()];
    }

    /// <summary>The cluster.</summary>
    public TransactionTestCluster Cluster { get; }

    /// <summary>Its client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Buckets per silo.</summary>
    public int BucketCount => _buckets[0].BucketCount;

    /// <summary>Entity group transactions sent so far (each one storage request).</summary>
    public long BatchesSent => _buckets.Sum(b => b.Writer.BatchesSent);

    /// <summary>Storage requests so far: batches plus range reads.</summary>
    public long Requests => _buckets.Sum(b => b.Writer.BatchesSent + b.ReadsSent);

    /// <summary>Range reads so far.</summary>
    public long ReadsSent => _buckets.Sum(b => b.ReadsSent);

    /// <summary>Starts it with <paramref name="options"/>' silo count and bucket count; it takes no stream traffic.</summary>
    public static async Task<BatchingCluster> StartAsync(BenchHost host, BenchOptions options) =>
        new(await TransactionTestCluster.StartAsync<LedgerLogic>(host.ConnectionString, c =>
        {
            c.SiloCount = options.Silos;
            c.ConfigureAzureStorage = a =>
            {
                a.Batching.Enabled = true;
                a.Batching.BucketCount = options.FleetBuckets ?? a.Batching.BucketCount;
                a.QueueCount = 1; // no stream traffic: fewer pulling agents polling Azurite
            };
            c.QueueCount = 1;
            c.ConfigureSilo = silo => silo.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            c.ConfigureClient = client => client.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }));

    /// <summary>Stops the cluster.</summary>
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
