using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// Its own in-memory Azurite and a 2-silo cluster running <see cref="LedgerLogic"/> (as <see cref="TestLedgerLogic"/>, which adds
/// one poison message type) with default engine options, shared by the
/// tests of one collection. Each test uses its own transaction ids. Derived fixtures change the cluster in
/// <see cref="Configure"/>.
/// </summary>
public class LedgerClusterFixture : IAsyncLifetime
{
    private TransactionTestCluster? _cluster;

    public TransactionTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not started.");

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() =>
        _cluster = await TransactionTestCluster.StartWithAzuriteAsync<TestLedgerLogic>(Configure);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Adjusts the cluster for a derived fixture.</summary>
    protected virtual void Configure(TransactionTestClusterOptions options)
    {
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerClusterDefinition : ICollectionFixture<LedgerClusterFixture>
{
    public const string Name = "Ledger cluster";
}

/// <summary>The same cluster with transaction records in the batching layout (<see cref="BatchingLayout"/>).</summary>
public sealed class BatchingLedgerClusterFixture : LedgerClusterFixture
{
    protected override void Configure(TransactionTestClusterOptions options) => BatchingLayout.Use(options);
}

[CollectionDefinition(Name)]
public sealed class BatchingLedgerClusterDefinition : ICollectionFixture<BatchingLedgerClusterFixture>
{
    public const string Name = "Ledger cluster, batching layout";
}
