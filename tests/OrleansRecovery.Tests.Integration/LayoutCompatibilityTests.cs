using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRecovery.Batching;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Records written by an earlier version (the golden fixtures: a ledger account recovering, with three parked messages in two
/// segments) load through the grain in either layout, complete their recovery and replay to the expected statement. The default
/// layout stores them through the grain storage as earlier versions did; the batching layout holds the very same bytes.
/// </summary>
public abstract class LayoutCompatibilityTests(LedgerClusterFixture fixture)
{
    /// <summary>The golden records were written for this transaction (its id is inside the parked messages).</summary>
    protected const string TransactionId = "golden-account";

    protected TransactionTestCluster Cluster { get; } = fixture.Cluster;

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task RecordsWrittenBefore_LoadThroughTheGrain_AndReplayToTheExpectedStatement(string version)
    {
        var tx = version == "v1" ? TransactionId : TransactionId + "-" + version;
        var (header, segments) = ReadGolden(version);
        await StoreAsync(tx, header, segments);

        var status = await Cluster.Client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal(3, status.PendingCount);
        Assert.Equal(SubmitOutcome.Duplicate, (await Cluster.Client.SubmitAsync(tx, LedgerMessages.Credit("p2", 30))).Outcome);

        var settled = await Cluster.Client.SubmitAsync(tx, LedgerMessages.Settle("settle", applied: true, "rec-golden-1"));
        Assert.Equal(SubmitOutcome.Processed, settled.Outcome);
        await Cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await Cluster.Client.DataAsync(tx);
        Assert.Equal(["c1", "adj", "ext1", "p1", "p2", "p3"], data.StatementIds());
        Assert.Equal(752, data.Balance);
        await AssertWhereStoredAsync(tx);
    }

    /// <summary>Checks that the transaction's records are in the layout under test's table, and only there.</summary>
    protected abstract Task AssertWhereStoredAsync(string transactionId);

    /// <summary>The row keys of the transaction's partition in the default layout's table.</summary>
    protected async Task<List<string>> DefaultTableRowsAsync(string transactionId)
    {
        var table = new TableServiceClient(Cluster.ConnectionString).GetTableClient(new TransactionAzureStorageOptions().TableName);
        var partition = Cluster.PartitionKeyOf(transactionId);
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"]))
        {
            rows.Add(row.RowKey);
        }

        return rows;
    }

    /// <summary>Stores the serialized records (header, then segments 0 and 1) as the layout under test keeps them.</summary>
    protected abstract Task StoreAsync(string transactionId, byte[] header, IReadOnlyList<byte[]> segments);

    protected (IServiceProvider Services, string StorageName) Silo()
    {
        var services = Cluster.Cluster.Silos.First(s => s.IsActive).ServiceProvider;
        return (services, services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.StorageProviderName);
    }

    private static (byte[] Header, byte[][] Segments) ReadGolden(string version)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden", version);
        byte[] Read(string name) => Convert.FromBase64String(File.ReadAllText(Path.Combine(dir, name)).Trim());
        return (Read("header.b64"), [Read("segment-0.b64"), Read("segment-1.b64")]);
    }
}

/// <summary>The default layout: the records written through the silo's grain storage, as every earlier version wrote them.</summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class DefaultLayoutCompatibilityTests(LedgerClusterFixture fixture) : LayoutCompatibilityTests(fixture)
{
    protected override async Task StoreAsync(string transactionId, byte[] header, IReadOnlyList<byte[]> segments)
    {
        var (services, name) = Silo();
        var storage = services.GetRequiredKeyedService<IGrainStorage>(name);
        var serializer = RecordSerializers.Create();
        var grainId = Cluster.GrainIdOf(transactionId);
        await storage.WriteStateAsync(StateNames.Header, grainId,
            new GrainState<TransactionHeaderRecord>(serializer.Deserialize<TransactionHeaderRecord>(new BinaryData(header))!));
        for (var i = 0; i < segments.Count; i++)
        {
            await storage.WriteStateAsync(StateNames.Segment(i), grainId,
                new GrainState<PendingSegmentRecord>(serializer.Deserialize<PendingSegmentRecord>(new BinaryData(segments[i]))!));
        }
    }

    protected override async Task AssertWhereStoredAsync(string transactionId) =>
        Assert.Contains(StateNames.Header, await DefaultTableRowsAsync(transactionId));
}

/// <summary>The batching layout: the same bytes, as rows of the transaction's bucket.</summary>
[Collection(BatchingLedgerClusterDefinition.Name)]
public sealed class BatchingLayoutCompatibilityTests(BatchingLedgerClusterFixture fixture) : LayoutCompatibilityTests(fixture)
{
    protected override async Task StoreAsync(string transactionId, byte[] header, IReadOnlyList<byte[]> segments)
    {
        var (services, name) = Silo();
        var options = services.GetRequiredService<IOptionsMonitor<TransactionTableBatchingOptions>>().Get(name);
        var table = new TableServiceClient(Cluster.ConnectionString).GetTableClient(options.TableName);
        await table.CreateIfNotExistsAsync();
        var partition = BucketKeys.PartitionKey(Cluster.ServiceId, BucketKeys.Bucket(transactionId, options.BucketCount));
        await table.AddEntityAsync(RecordEntity.ToEntity(partition, BucketKeys.RowKey(transactionId, StateNames.Header), header));
        for (var i = 0; i < segments.Count; i++)
        {
            await table.AddEntityAsync(RecordEntity.ToEntity(partition, BucketKeys.RowKey(transactionId, StateNames.Segment(i)), segments[i]));
        }
    }

    protected override async Task AssertWhereStoredAsync(string transactionId)
    {
        Assert.Empty(await DefaultTableRowsAsync(transactionId));
        Assert.Contains(StateNames.Header, await Cluster.ReadRowKeysAsync(transactionId));
    }
}
