using System.Diagnostics;
using Azure.Data.Tables;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// A deep pending log on the Azure Table provider: far beyond what one storage record could hold (~983,040 bytes), because the
/// log is stored as bounded segment records.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class LargePendingLogTests(LedgerClusterFixture fixture, ITestOutputHelper output)
{
    private const int Count = 20_000;
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task TwentyThousandParkedMessages_AreKept_AndReplayedInOrderOnce()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "long outage");
        var parked = Enumerable.Range(0, Count).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var batch in parked.Chunk(500))
        {
            var results = await _client.SubmitBatchAsync(tx, batch);
            Assert.All(results, r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        }

        output.WriteLine($"parked {Count} in {clock.Elapsed.TotalSeconds:F1} s");
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(Count, status.PendingCount);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        output.WriteLine($"segment rows: {await _cluster.CountSegmentRowsAsync(tx)}");

        clock.Restart();
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId))).Outcome);
        var final = await _cluster.WaitForReplayAsync(tx, TimeSpan.FromMinutes(5));
        output.WriteLine($"replayed {Count} in {clock.Elapsed.TotalSeconds:F1} s; header row {await HeaderBytesAsync(tx)} bytes");

        Assert.Equal(Count, final.Counters.Replayed);
        Assert.Equal(0, final.Counters.Rejected);
        var data = await _client.DataAsync(tx);
        Assert.Equal(parked.Select(m => m.MessageId), data.StatementIds());
        Assert.Equal(Count, data.Balance);
        Assert.Equal(0, await _cluster.CountSegmentRowsAsync(tx));
    }

    /// <summary>The bytes of the header row's data properties (the provider refuses more than 983,040).</summary>
    private async Task<long> HeaderBytesAsync(string tx)
    {
        var table = new TableServiceClient(_cluster.ConnectionString).GetTableClient("OrleansRecoveryTransactions");
        var row = await table.GetEntityAsync<TableEntity>(_cluster.PartitionKeyOf(tx), StateNames.Header);
        return ((IDictionary<string, object>)row.Value).Values.OfType<byte[]>().Sum(b => (long)b.Length);
    }
}
