using OrleansRecovery;
using OrleansRecovery.Testing;

namespace Orders.Tests;

/// <summary>The order logic on a real in-process cluster over a real Azurite, from the OrleansRecovery.Testing package.</summary>
public sealed class OrderLogicTests : IAsyncLifetime
{
    private TransactionTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TransactionTestCluster.StartWithAzuriteAsync<OrderLogic>();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task LinesAddedDuringRecovery_AreAppliedAfterReconciliation()
    {
        var recovery = await _cluster.Client.BeginRecoveryAsync("order-1", "warehouse outage");
        var queued = await _cluster.Client.SubmitAsync("order-1", TransactionMessage.Normal("l1", "add-line", "sku-42"));
        await _cluster.Client.SubmitAsync("order-1", TransactionMessage.Recovery("r1", "reconciled", "{}", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync("order-1", TimeSpan.FromSeconds(30));

        Assert.Equal(SubmitOutcome.Queued, queued.Outcome);
        Assert.Equal(["sku-42"], (await _cluster.Client.GetDataAsync<OrderData>("order-1"))!.Lines);
    }
}
