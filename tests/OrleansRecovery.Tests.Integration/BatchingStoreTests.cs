using Azure.Data.Tables;
using Orleans.Storage;
using OrleansRecovery.Batching;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The batching layout's store on Azurite, without a cluster: writes of several transactions in one entity group transaction,
/// each under its own ETag condition; a refused member fails alone; records split over binary properties; limits enforced before
/// anything is sent.
/// </summary>
public sealed class BatchingStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly RecoveryLimits Limits = new();
    private static readonly GrainId AnyGrain = GrainId.Create("test", "batching");

    /// <summary>
    /// One bucket and a linger long enough that writes queued together certainly share a batch: the test queues both before
    /// the bucket flushes (no sleep: the linger only holds the batch open).
    /// </summary>
    private BucketTable NewTable(int buckets = 1, TimeSpan? linger = null, string serviceId = "test-service", string? tableName = null) =>
        new(new TableServiceClient(azurite.ConnectionString).GetTableClient(tableName ?? "b" + Guid.NewGuid().ToString("N")),
            serviceId, buckets, maxOperations: 100, maxBytes: 3_670_016, linger ?? TimeSpan.FromMilliseconds(300), RecordSerializers.Create());

    private static TransactionState WithData(object? data) => TransactionState.New(data, Limits);

    private static readonly WriteSet HeaderOnly = new() { Header = true };

    [Fact]
    public async Task StaleETag_InASharedBatch_FailsOnlyThatWrite_AndTheOtherTransactionIsStored()
    {
        var table = NewTable();
        var stale = table.Create(AnyGrain, "tx-a");
        var current = table.Create(AnyGrain, "tx-a");
        var other = table.Create(AnyGrain, "tx-b");
        await current.LoadAsync(Limits, () => null, default);
        await current.WriteAsync(WithData("a-1"), HeaderOnly, default);
        await stale.LoadAsync(Limits, () => null, default);       // sees a-1's ETag
        await current.WriteAsync(WithData("a-2"), HeaderOnly, default); // a-1's ETag is stale now
        await other.LoadAsync(Limits, () => null, default);
        Assert.Equal(table.PartitionKeyOf("tx-a"), table.PartitionKeyOf("tx-b"));
        var batchesBefore = table.Writer.BatchesSent;

        var staleWrite = stale.WriteAsync(WithData("a-stale"), HeaderOnly, default);
        var otherWrite = other.WriteAsync(WithData("b-1"), HeaderOnly, default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await otherWrite;
        // One batch holding both, refused for the stale member; then the other member alone.
        Assert.Equal(2, table.Writer.BatchesSent - batchesBefore);
        Assert.Equal("a-2", (await table.Create(AnyGrain, "tx-a").LoadAsync(Limits, () => null, default)).Data);
        Assert.Equal("b-1", (await table.Create(AnyGrain, "tx-b").LoadAsync(Limits, () => null, default)).Data);
    }

    [Fact]
    public async Task ServicesSharingATable_NeverShareATransactionsRecords()
    {
        // As in the default layout, the ServiceId is part of the partition key: two services with the same table name and
        // transaction ids keep apart.
        var tableName = "b" + Guid.NewGuid().ToString("N");
        var ours = NewTable(serviceId: "payments", tableName: tableName, linger: TimeSpan.Zero);
        var theirs = NewTable(serviceId: "payments/staging", tableName: tableName, linger: TimeSpan.Zero);
        var mine = ours.Create(AnyGrain, "tx-shared");
        await mine.LoadAsync(Limits, () => null, default);
        await mine.WriteAsync(WithData("ours"), HeaderOnly, default);

        Assert.NotEqual(ours.PartitionKeyOf("tx-shared"), theirs.PartitionKeyOf("tx-shared"));
        var other = theirs.Create(AnyGrain, "tx-shared");
        Assert.Null((await other.LoadAsync(Limits, () => null, default)).Data);
        await other.WriteAsync(WithData("theirs"), HeaderOnly, default);
        Assert.Equal("ours", (await ours.Create(AnyGrain, "tx-shared").LoadAsync(Limits, () => null, default)).Data);
    }

    [Fact]
    public async Task InsertOfARecordAnotherWriterCreated_IsRefused_AndOverwritesNothing()
    {
        var table = NewTable(linger: TimeSpan.Zero);
        var first = table.Create(AnyGrain, "tx-new");
        var second = table.Create(AnyGrain, "tx-new");
        await first.LoadAsync(Limits, () => null, default);
        await second.LoadAsync(Limits, () => null, default);

        await first.WriteAsync(WithData("first"), HeaderOnly, default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteAsync(WithData("second"), HeaderOnly, default));

        Assert.Equal("first", (await table.Create(AnyGrain, "tx-new").LoadAsync(Limits, () => null, default)).Data);
    }

    [Fact]
    public async Task ManyTransactionsWritingAtOnce_ShareBatches_OfAtMostOneHundredOperations_AndEveryRecordIsStored()
    {
        const int transactions = 250;
        var table = NewTable(linger: TimeSpan.Zero);
        var stores = Enumerable.Range(0, transactions).Select(i => table.Create(AnyGrain, $"many-{i:D3}")).ToList();
        await Task.WhenAll(stores.Select(s => s.LoadAsync(Limits, () => null, default)));
        var batchesBefore = table.Writer.BatchesSent;

        await Task.WhenAll(stores.Select((s, i) => s.WriteAsync(WithData($"d-{i}"), HeaderOnly, default)));

        // Group commit: the first write goes alone, the rest wait for it and go in batches of at most 100.
        var batches = table.Writer.BatchesSent - batchesBefore;
        Assert.InRange(batches, 3, 6);
        var loaded = await Task.WhenAll(Enumerable.Range(0, transactions)
            .Select(i => table.Create(AnyGrain, $"many-{i:D3}").LoadAsync(Limits, () => null, default)));
        Assert.Equal(Enumerable.Range(0, transactions).Select(i => (object)$"d-{i}"), loaded.Select(s => s.Data));
    }

    [Fact]
    public async Task LargeRecord_IsSplitOverBinaryProperties_AndLoadsBackWhole()
    {
        var table = NewTable(linger: TimeSpan.Zero);
        var store = table.Create(AnyGrain, "tx-large");
        await store.LoadAsync(Limits, () => null, default);
        var data = string.Create(300_000, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });

        await store.WriteAsync(WithData(data), HeaderOnly, default);

        var rows = await table.ReadRecordsAsync("tx-large", default);
        Assert.True(rows[StateNames.Header].ContainsKey("D4"), "a 300,000-character record spans at least five 64 KiB properties");
        Assert.Equal(data, (await table.Create(AnyGrain, "tx-large").LoadAsync(Limits, () => null, default)).Data);
    }

    [Fact]
    public async Task RecordOverTheEntityLimit_IsRefusedWithAClearError_BeforeAnythingIsSent()
    {
        var table = NewTable(linger: TimeSpan.Zero);
        var store = table.Create(AnyGrain, "tx-huge");
        await store.LoadAsync(Limits, () => null, default);
        var batchesBefore = table.Writer.BatchesSent;

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.WriteAsync(WithData(new string('x', 1_000_000)), HeaderOnly, default));

        Assert.Contains("983040 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(batchesBefore, table.Writer.BatchesSent);
        Assert.Empty(await table.ReadRecordsAsync("tx-huge", default));
    }

    [Fact]
    public async Task TransactionIdsThatEscapeAlike_KeepTheirOwnRows()
    {
        var table = NewTable(linger: TimeSpan.Zero);
        string[] ids = ["acct|1", "acct%007C1", "acct", "acct}"];
        foreach (var id in ids)
        {
            var store = table.Create(AnyGrain, id);
            await store.LoadAsync(Limits, () => null, default);
            await store.WriteAsync(WithData("data of " + id), HeaderOnly, default);
        }

        foreach (var id in ids)
        {
            Assert.Equal("data of " + id, (await table.Create(AnyGrain, id).LoadAsync(Limits, () => null, default)).Data);
            Assert.Equal([StateNames.Header], (await table.ReadRecordsAsync(id, default)).Keys);
        }
    }
}
