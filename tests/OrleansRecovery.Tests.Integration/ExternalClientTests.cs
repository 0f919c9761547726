using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The test kit as a team writing its own integration tests meets it: a front-end or stream producer of its own, in another host,
/// joins a <see cref="TransactionTestCluster"/> started with real sockets, and follows a silo the test kills.
/// </summary>
public sealed class ExternalClientTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_of_another_host_submits_and_publishes_into_a_socket_cluster_and_follows_a_killed_silo()
    {
        await using var cluster = await TransactionTestCluster.StartAsync<OrderLogic>(azurite.ConnectionString, o => o.UseSockets = true);
        Assert.True(cluster.UsesSockets);
        Assert.All(cluster.Cluster.Silos, s => Assert.NotEqual(0, s.GatewayAddress.Endpoint.Port));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => cluster.ConfigureExternalClient(client));
        using var frontEnd = builder.Build();
        using (var start = new CancellationTokenSource(Deadline))
        {
            await frontEnd.StartAsync(start.Token);
        }

        var client = frontEnd.Services.GetRequiredService<IClusterClient>();
        var tx = Ids.Transaction("external");

        // A front-end's call, answered through the silo's TCP gateway.
        var first = await client.SubmitAsync(tx, TransactionMessage.Normal("l1", "add-line", "sku-1"));
        Assert.Equal(SubmitOutcome.Processed, first.Outcome);

        // A producer's stream event, from the same host, on the cluster's queues.
        await new TransactionStreamPublisher(client).PublishAsync(tx, TransactionMessage.Normal("l2", "add-line", "sku-2"));
        await Eventually.WaitUntilAsync(async () => (await cluster.Client.GetDataAsync<OrderData>(tx))!.Lines.Count == 2,
            Deadline, "the stream event is applied");

        // The silo hosting the transaction dies and another starts: the external client carries on (same message id answered once).
        await cluster.KillHostAsync(tx);
        await cluster.EnsureSiloCountAsync(2);
        var third = await Eventually.WaitForAsync(() => client.SubmitAsync(tx, TransactionMessage.Normal("l3", "add-line", "sku-3")),
            r => r.Outcome is SubmitOutcome.Processed or SubmitOutcome.Duplicate, Deadline, "the external client reaches the cluster after the kill");

        Assert.True(third.Outcome == SubmitOutcome.Duplicate || third.Sequence == 3, $"the third message's answer: {third.Outcome}, sequence {third.Sequence}");
        Assert.Equal(["sku-1", "sku-2", "sku-3"], (await cluster.Client.GetDataAsync<OrderData>(tx))!.Lines);
        Assert.Equal(3, (await client.GetStatusAsync(tx)).Counters.Processed);
        await frontEnd.StopAsync();
    }

    [Fact]
    public async Task An_in_memory_cluster_refuses_an_external_client_and_names_the_option()
    {
        await using var cluster = await TransactionTestCluster.StartAsync<OrderLogic>(azurite.ConnectionString, o => o.SiloCount = 1);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        InvalidOperationException? error = null;
        builder.UseOrleansClient(client => error = Assert.Throws<InvalidOperationException>(() => cluster.ConfigureExternalClient(client)));

        Assert.False(cluster.UsesSockets);
        Assert.NotNull(error);
        Assert.Contains("TransactionTestClusterOptions.UseSockets", error.Message, StringComparison.Ordinal);
    }
}
