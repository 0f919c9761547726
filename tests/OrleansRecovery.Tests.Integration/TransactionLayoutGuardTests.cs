using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The layout of transaction records is fixed by the first silo that uses the storage: a silo configured for the other layout,
/// or for another bucket count, refuses to start and names the settings, and the transactions already stored stay readable by
/// silos configured as they were written. Without the check, such a silo would read every stored transaction as new.
/// </summary>
public sealed class TransactionLayoutGuardTests : IAsyncLifetime
{
    /// <summary>One service across the clusters each test starts (a test cluster otherwise draws a new ServiceId).</summary>
    private const string ServiceId = "layout-guard";

    private AzuriteInstance? _azurite;

    private string ConnectionString => _azurite!.ConnectionString;

    public async Task InitializeAsync() => _azurite = await AzuriteInstance.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task SiloOnTheOtherLayout_RefusesToStart_NamingTheSettings_AndStoredTransactionsStayReadable()
    {
        await using (var first = await StartAsync(batching: false))
        {
            Assert.Equal(SubmitOutcome.Processed, (await first.Client.SubmitAsync("kept", LedgerMessages.Credit("c1", 7))).Outcome);
        }

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(batching: true));
        var message = Flatten(refused);
        Assert.Contains("default layout", message, StringComparison.Ordinal);
        Assert.Contains($"{TransactionTableBatchingOptions.SectionName}:Enabled = true", message, StringComparison.Ordinal);

        await using var again = await StartAsync(batching: false);
        Assert.Equal(7, (await again.Client.DataAsync("kept")).Balance);
        var row = await new TableServiceClient(ConnectionString).GetTableClient(new TransactionAzureStorageOptions().TableName)
            .GetEntityAsync<TableEntity>("~orleansrecovery", $"layout|{ServiceId}|{TransactionRecoveryOptions.DefaultStorageProviderName}");
        Assert.Equal("default", row.Value.GetString("Layout"));
    }

    [Fact]
    public async Task AnotherService_OnTheSameTables_ChoosesItsOwnLayout()
    {
        await using (var first = await StartAsync(batching: false))
        {
            Assert.Equal(SubmitOutcome.Processed, (await first.Client.SubmitAsync("kept", LedgerMessages.Credit("c1", 3))).Outcome);
        }

        await using var other = await TransactionTestCluster.StartAsync<LedgerLogic>(ConnectionString, c =>
        {
            c.SiloCount = 1;
            c.ConfigureAzureStorage = a => a.Batching.Enabled = true;
            c.ConfigureSilo = silo => silo.Services.PostConfigure<Orleans.Configuration.ClusterOptions>(o => o.ServiceId = ServiceId + "-other");
        });
        Assert.Equal(0, (await other.Client.DataAsync("kept")).Balance);
    }

    [Fact]
    public async Task SiloWithAnotherBucketCount_RefusesToStart_NamingBucketCount()
    {
        await using (var first = await StartAsync(batching: true, buckets: 4))
        {
            Assert.Equal(SubmitOutcome.Processed, (await first.Client.SubmitAsync("kept", LedgerMessages.Credit("c1", 5))).Outcome);
        }

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(batching: true, buckets: 8));
        var message = Flatten(refused);
        Assert.Contains("4 buckets", message, StringComparison.Ordinal);
        Assert.Contains($"{TransactionTableBatchingOptions.SectionName}:BucketCount = 8", message, StringComparison.Ordinal);

        var toDefault = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(batching: false));
        Assert.Contains($"{TransactionTableBatchingOptions.SectionName}:Enabled = false", Flatten(toDefault), StringComparison.Ordinal);

        await using var again = await StartAsync(batching: true, buckets: 4);
        Assert.Equal(5, (await again.Client.DataAsync("kept")).Balance);
    }

    private Task<TransactionTestCluster> StartAsync(bool batching, int buckets = 4) =>
        TransactionTestCluster.StartAsync<LedgerLogic>(ConnectionString, c =>
        {
            c.SiloCount = 1;
            c.ConfigureAzureStorage = a =>
            {
                a.Batching.Enabled = batching;
                a.Batching.BucketCount = buckets;
            };
            c.ConfigureSilo = silo => silo.Services.PostConfigure<Orleans.Configuration.ClusterOptions>(o => o.ServiceId = ServiceId);
        });

    /// <summary>The exception's messages, inner ones included (the silo's start wraps the guard's).</summary>
    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(Flatten));
            }
        }

        return string.Join(" | ", messages);
    }
}
