using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRecovery.Client;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// A team's own host: <c>Host.CreateApplicationBuilder</c> + <c>UseOrleans()</c> + <c>AddTransactionRecovery&lt;TLogic&gt;()</c>,
/// configured only through Orleans' keys (clustering, reminders, grain storage and streams by <c>ProviderType</c>, ours where
/// Orleans has none) and the <c>OrleansRecovery</c> section, on a real Azurite.
/// </summary>
public sealed class OrleansConfigurationHostTests : IAsyncLifetime
{
    private AzuriteInstance _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteInstance.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task HostConfiguredWithOrleansKeys_ParksMessagesFromCallsAndStreams_AndReplaysThemAfterRecovery()
    {
        using var host = Build(new Dictionary<string, string?> { ["OrleansRecovery:DedupWindow"] = "50" });
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(start.Token);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var recovery = await grains.BeginRecoveryAsync("acct-1", "bank down");
            var queued = await grains.SubmitAsync("acct-1", LedgerMessages.Credit("c1", 500));
            await new TransactionStreamPublisher(host.Services.GetRequiredService<IClusterClient>())
                .PublishAsync("acct-1", LedgerMessages.Credit("c2", 250));
            await Eventually.WaitForAsync(() => grains.GetStatusAsync("acct-1"), s => s.PendingCount == 2, TimeSpan.FromSeconds(30),
                "the streamed credit is parked behind the called one");
            await grains.SubmitAsync("acct-1", LedgerMessages.Reconciled("r1", recovery.RecoveryId));
            var status = await Eventually.WaitForAsync(() => grains.GetStatusAsync("acct-1"),
                s => s is { Mode: TransactionMode.Normal, PendingCount: 0, Replaying: false }, TimeSpan.FromSeconds(30), "replay");

            Assert.Equal(SubmitOutcome.Queued, queued.Outcome);
            Assert.Equal(2, status.Counters.Replayed);
            Assert.Equal(750, (await grains.GetDataAsync<LedgerData>("acct-1"))!.Balance);
            Assert.Equal(50, host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.DedupWindow);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stop.Token);
        }
    }

    [Fact]
    public async Task BadOrleansRecoveryValue_StopsTheStart_NamingTheKey()
    {
        using var host = Build(new Dictionary<string, string?> { ["OrleansRecovery:DedupWindow"] = "0" });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("OrleansRecovery:DedupWindow is 0; it must be between 1 and 100000.", failure.Failures);
    }

    [Fact]
    public void BadQueueSettingInTheStreamProviderSection_StopsTheBuild_NamingTheKey()
    {
        var failure = Assert.Throws<OptionsValidationException>(() =>
            Build(new Dictionary<string, string?> { ["Orleans:Streaming:TransactionStreams:QueuePrefix"] = "Not_A_Queue" }));

        Assert.Contains(failure.Failures, f => f.StartsWith(
            "Orleans:Streaming:TransactionStreams:QueuePrefix is 'Not_A_Queue'; queue names", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GrainStorageSectionWithoutAnAccount_StopsTheStart_NamingTheKeysToSet()
    {
        using var host = Build(new Dictionary<string, string?> { ["Orleans:GrainStorage:transactions:ConnectionName"] = "nowhere" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Orleans:GrainStorage:transactions:ConnectionName is 'nowhere', but ConnectionStrings:nowhere is not set",
            Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchingInTheGrainStorageSection_StoresTransactionRecordsInBuckets()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Orleans:GrainStorage:transactions:Batching:Enabled"] = "true",
            ["Orleans:GrainStorage:transactions:Batching:BucketCount"] = "8",
            ["Orleans:GrainStorage:transactions:Batching:TableName"] = "TeamBuckets",
        });
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(start.Token);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(SubmitOutcome.Processed, (await grains.SubmitAsync("acct-b", LedgerMessages.Credit("c1", 500))).Outcome);

            var table = new Azure.Data.Tables.TableServiceClient(_azurite.ConnectionString).GetTableClient("TeamBuckets");
            var partition = OrleansRecovery.Batching.BucketKeys.PartitionKey(
                host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId,
                OrleansRecovery.Batching.BucketKeys.Bucket("acct-b", 8));
            var header = await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(partition,
                OrleansRecovery.Batching.BucketKeys.RowKey("acct-b", OrleansRecovery.Storage.StateNames.Header));
            Assert.True(header.HasValue, "the header is a row of the transaction's bucket in the configured table");
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stop.Token);
        }
    }

    [Fact]
    public void BadBatchingSettingInTheGrainStorageSection_StopsTheBuild_NamingTheKey()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Build(new Dictionary<string, string?>
        {
            ["Orleans:GrainStorage:transactions:Batching:Enabled"] = "true",
            ["Orleans:GrainStorage:transactions:Batching:BucketCount"] = "0",
        }));

        Assert.Contains(failure.Failures, f => f.StartsWith(
            "Orleans:GrainStorage:transactions:Batching:BucketCount is 0;", StringComparison.Ordinal));
    }

    /// <summary>The host as a team writes it; <paramref name="overrides"/> change its configuration.</summary>
    private IHost Build(Dictionary<string, string?> overrides)
    {
        var ports = LoopbackPorts.Free(2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:storage"] = _azurite.ConnectionString,
            ["Orleans:ClusterId"] = "team-host",
            ["Orleans:ServiceId"] = "team-host-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans:Endpoints:SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Orleans:Clustering:ProviderType"] = "AzureTableStorage",
            ["Orleans:Clustering:ConnectionName"] = "storage",
            ["Orleans:Reminders:ProviderType"] = "AzureTableStorage",
            ["Orleans:Reminders:ConnectionName"] = "storage",
            ["Orleans:GrainStorage:transactions:ProviderType"] = TransactionAzureProviderTypes.TableStorage,
            ["Orleans:GrainStorage:transactions:ConnectionName"] = "storage",
            ["Orleans:Streaming:TransactionStreams:ProviderType"] = TransactionAzureProviderTypes.QueueStorage,
            ["Orleans:Streaming:TransactionStreams:ConnectionName"] = "storage",
            ["Orleans:Streaming:TransactionStreams:QueueCount"] = "2",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddTransactionRecovery<TestLedgerLogic>());
        return builder.Build();
    }

    private static string Flatten(Exception exception)
    {
        var text = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            text.Add(e.Message);
        }

        return string.Join(" | ", text);
    }
}
