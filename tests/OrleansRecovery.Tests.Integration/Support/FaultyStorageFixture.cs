using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>One silo whose transaction storage fails on demand (<see cref="Faults"/>), for P8 tests.</summary>
public class FaultyStorageFixture : LedgerClusterFixture
{
    public StorageFaults Faults { get; } = new();

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner, Faults.BeforeWrite);

        // Redeliver a failed stream event quickly.
        options.ConfigureAzureStorage = azure => azure.QueuePollPeriod = TimeSpan.FromMilliseconds(50);
    }
}

[CollectionDefinition(Name)]
public sealed class FaultyStorageDefinition : ICollectionFixture<FaultyStorageFixture>
{
    public const string Name = "Faulty storage";
}

/// <summary>The same on the batching layout: faults are injected around each record's part of a bucket's batch.</summary>
public sealed class BatchingFaultyStorageFixture : FaultyStorageFixture
{
    protected override void Configure(TransactionTestClusterOptions options)
    {
        base.Configure(options);
        options.WrapStorage = null;
        BatchingLayout.Use(options, BatchingLayout.Faults(Faults));
    }
}

[CollectionDefinition(Name)]
public sealed class BatchingFaultyStorageDefinition : ICollectionFixture<BatchingFaultyStorageFixture>
{
    public const string Name = "Faulty storage, batching layout";
}
