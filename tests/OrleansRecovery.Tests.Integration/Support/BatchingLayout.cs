using Microsoft.Extensions.DependencyInjection;
using OrleansRecovery.Batching;
using OrleansRecovery.Hosting;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// Puts a test cluster's transaction records in the batching layout (<see cref="TransactionTableBatchingOptions"/>), with few
/// buckets so that transactions of one test share batches, and optionally a test's hooks around its reads and writes (what
/// <see cref="TransactionTestClusterOptions.WrapStorage"/> does for the default layout).
/// </summary>
internal static class BatchingLayout
{
    public const int Buckets = 4;

    public static void Use(TransactionTestClusterOptions options, BucketStoreHooks? hooks = null)
    {
        var configureAzure = options.ConfigureAzureStorage;
        options.ConfigureAzureStorage = azure =>
        {
            configureAzure?.Invoke(azure);
            azure.Batching.Enabled = true;
            azure.Batching.BucketCount = Buckets;
        };
        if (hooks is not null)
        {
            var configureSilo = options.ConfigureSilo;
            options.ConfigureSilo = silo =>
            {
                configureSilo?.Invoke(silo);
                // Under the storage name, and under the name TransactionTestCluster gives the real provider when it also wraps
                // grain storage (the batching store is registered under that one, and forwarded).
                silo.Services.AddKeyedSingleton(TransactionRecoveryOptions.DefaultStorageProviderName, hooks);
                silo.Services.AddKeyedSingleton(TransactionRecoveryOptions.DefaultStorageProviderName + "-wrapped", hooks);
            };
        }
    }

    /// <summary>The hooks that inject <paramref name="faults"/>, as <see cref="StorageFaults.Wrap"/> does for grain storage.</summary>
    public static BucketStoreHooks Faults(StorageFaults faults) => new(faults.BeforeWrite, faults.AfterWrite, faults.BeforeRead);
}
