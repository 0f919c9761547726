using System.Collections.Immutable;
using OrleansRecovery.Logic;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration;

// The README's "Testing your own logic" example, verbatim: an application's own logic tested on a real cluster and Azurite.
[GenerateSerializer, Alias("Readme.OrderData")]
public sealed record OrderData([property: Id(0)] ImmutableList<string> Lines);

public sealed class OrderLogic : TransactionLogic<OrderData>
{
    protected override OrderData CreateInitialData(string transactionId) => new([]);
    protected override NormalDecision ApplyNormal(OrderData data, TransactionMessage message) => message.Type == "add-line"
        ? NormalDecision.Applied(data with { Lines = data.Lines.Add(message.Payload) }) : NormalDecision.Rejected($"unknown type '{message.Type}'");
    protected override RecoveryDecision ApplyRecovery(OrderData data, TransactionMessage message, RecoveryInfo recovery) => RecoveryDecision.Complete(data);
}

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
