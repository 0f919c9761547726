using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRecovery;
using OrleansRecovery.Testing;

namespace Orders.Tests;

/// <summary>
/// A front-end of the team's own, in its own host, against a test cluster started with real sockets (the package README's
/// "joins a cluster" example).
/// </summary>
public sealed class FrontEndTests : IAsyncLifetime
{
    private TransactionTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TransactionTestCluster.StartWithAzuriteAsync<OrderLogic>(o => o.UseSockets = true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AFrontEndHost_JoinsTheCluster_AndItsLinesAreApplied()
    {
        // No defaults: the test's output folder holds the silo's appsettings.json (copied with Orders.Silo), and a client host
        // reading its Orleans section would try to configure the silo's reminders.
        var frontEnd = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        frontEnd.UseOrleansClient(client => _cluster.ConfigureExternalClient(client));
        using var host = frontEnd.Build();
        await host.StartAsync();

        var client = host.Services.GetRequiredService<IClusterClient>();
        var result = await client.SubmitAsync("order-2", TransactionMessage.Normal("l1", "add-line", "sku-7"));
        await host.StopAsync();

        Assert.Equal(SubmitOutcome.Processed, result.Outcome);
        Assert.Equal(["sku-7"], (await _cluster.Client.GetDataAsync<OrderData>("order-2"))!.Lines);
    }
}
