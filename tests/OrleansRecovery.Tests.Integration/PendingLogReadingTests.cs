using System.Globalization;
using Azure.Data.Tables;
using OrleansRecovery.Cli;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Operators reading what is parked and what replay would do, on Azurite and a 2-silo TestCluster: the grain's pages
/// (<see cref="ITransactionGrain.GetPendingAsync"/>), the replay preview (<see cref="ITransactionGrain.PreviewReplayAsync"/>) with
/// the transaction's stored rows compared before and after, and <c>recoveryctl pending</c> / <c>preview</c>.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class PendingLogReadingTests(LedgerClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task GetPending_PagesThroughParkedMessagesAcrossSegments_AndFollowsTheReplay()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "paging test");
        var parked = Enumerable.Range(0, 300).Select(i => LedgerMessages.Credit(Ids.Message(i), i + 1)).ToList();
        foreach (var batch in parked.Chunk(100))
        {
            Assert.All(await _client.SubmitBatchAsync(tx, batch), r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        }

        Assert.True(await _cluster.CountSegmentRowsAsync(tx) >= 3); // 300 entries span several segment records (128 each)
        var grain = _client.GetTransaction(tx);

        var first = await grain.GetPendingAsync(0, 100);
        var deep = await grain.GetPendingAsync(250, 100);
        var past = await grain.GetPendingAsync(300, 10);

        Assert.Equal((300L, TransactionMode.Recovering, 100L), (first.PendingCount, first.Mode, first.NextFrom));
        Assert.Equal(parked.Take(100).Select(m => m.MessageId), first.Entries.Select(e => e.MessageId));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), first.Entries.Select(e => e.Position));
        Assert.Equal(parked.Skip(250).Select(m => m.MessageId), deep.Entries.Select(e => e.MessageId));
        Assert.Null(deep.NextFrom);
        Assert.Equal("{\"amount\":251}", deep.Entries[0].PayloadExcerpt);
        Assert.Equal("credit", deep.Entries[0].Type);
        Assert.Equal(PendingEntryBytes(parked[250]), deep.Entries[0].SizeBytes);
        Assert.InRange(deep.Entries[0].ParkedAt, recovery.Since, DateTimeOffset.UtcNow);
        Assert.Empty(past.Entries);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.GetPendingAsync(-1, 10));

        // After the replay, nothing is left to page through.
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var after = await grain.GetPendingAsync(0, 100);
        Assert.Equal((0L, TransactionMode.Normal), (after.PendingCount, after.Mode));
        Assert.Empty(after.Entries);
    }

    [Fact]
    public async Task PreviewReplay_SaysWhatEachParkedMessageWouldDo_AndWritesNothing()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c0", 100));
        var recovery = await _client.BeginRecoveryAsync(tx, "preview test");
        await _client.SubmitBatchAsync(tx,
        [
            LedgerMessages.Credit("c1", 50),
            TransactionMessage.Normal("x1", "bogus", "{}"),
            LedgerMessages.Debit("d1", 30),
            TestLedgerLogic.Poison("p1"),
            LedgerMessages.Credit("c2", 5),
        ]);
        var statusBefore = await _client.GetStatusAsync(tx);
        var rowsBefore = await StoredRowsAsync(tx);

        var preview = await _client.GetTransaction(tx).PreviewReplayAsync(100);
        var cli = await RunAsync("preview", tx);

        Assert.Equal(
            [
                ("c1", ReplayPreviewVerdict.Applied), ("x1", ReplayPreviewVerdict.Rejected), ("d1", ReplayPreviewVerdict.Applied),
                ("p1", ReplayPreviewVerdict.WouldThrow), ("c2", ReplayPreviewVerdict.NotReached),
            ],
            preview.Entries.Select(e => (e.MessageId, e.Verdict)));
        Assert.Contains("does not know normal message type 'bogus'", preview.Entries[1].Reason, StringComparison.Ordinal);
        Assert.Contains("cannot apply 'explode'", preview.Entries[3].Reason, StringComparison.Ordinal);
        Assert.Equal(3L, preview.StopsAt);
        var resulting = Assert.IsType<LedgerData>(preview.ResultingData);
        Assert.Equal(120L, resulting.Balance);
        Assert.Equal(["c0", "c1", "d1"], resulting.StatementIds());

        Assert.Equal(0, cli.Code);
        Assert.Contains($"Replay preview of {tx} (mode Recovering, 5 parked, 5 previewed); nothing was written", cli.Output, StringComparison.Ordinal);
        Assert.Matches(@"│\s*3\s*│\s*p1\s*│\s*explode\s*│\s*would throw\s*│", cli.Output);
        Assert.Contains("applied 2, rejected 1, in doubt 0, would throw 1, not reached 1", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Replay would stop at position 3 (p1: WouldThrow)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("balance +1.20", cli.Output, StringComparison.Ordinal);

        // Nothing was written: every stored row of the transaction has the same ETag, and the grain's state is as before.
        Assert.Equal(rowsBefore, await StoredRowsAsync(tx));
        var statusAfter = await _client.GetStatusAsync(tx);
        Assert.Equal((statusBefore.Mode, statusBefore.PendingCount, statusBefore.Counters), (statusAfter.Mode, statusAfter.PendingCount, statusAfter.Counters));
        Assert.Equal(100, (await _client.DataAsync(tx)).Balance);

        // And the real replay does what the preview said: c1 and d1 applied, x1 rejected, held at p1, c2 still parked.
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        var held = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Mode == TransactionMode.Faulted,
            LedgerReads.Timeout, "the replay holds the poison message");
        Assert.Equal(("p1", 1L), (held.Fault!.Message.MessageId, held.PendingCount));
        Assert.Equal(resulting.StatementIds(), (await _client.DataAsync(tx)).StatementIds());
    }

    [Fact]
    public async Task PendingCommand_PrintsAPage_AndTheCommandForTheNext()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "cli paging");
        var longPayload = "{\"amount\":1,\"note\":\"" + new string('n', 200) + "\"}";
        await _client.SubmitBatchAsync(tx,
            [LedgerMessages.Credit("a", 1), LedgerMessages.Credit("b", 2), TransactionMessage.Normal("c", "credit", longPayload)]);

        var firstTwo = await RunAsync("pending", tx, "--take", "2");
        var last = await RunAsync("pending", tx, "--from", "2");
        var beyond = await RunAsync("pending", tx, "--from", "9");
        var badTake = await RunAsync("pending", tx, "--take", "0");

        Assert.Equal(0, firstTwo.Code);
        Assert.Contains($"{tx}: 3 parked (mode Recovering); positions 0–1, in replay order", firstTwo.Output, StringComparison.Ordinal);
        Assert.Matches(@"│\s*0\s*│\s*0\s*│\s*a\s*│\s*credit\s*│", firstTwo.Output);
        Assert.Matches(@"│\s*1\s*│\s*1\s*│\s*b\s*│\s*credit\s*│", firstTwo.Output);
        Assert.Contains($"Next page: recoveryctl pending {tx} --from 2 --take 2", firstTwo.Output, StringComparison.Ordinal);
        Assert.Equal(0, last.Code);
        Assert.Matches(@"│\s*2\s*│\s*2\s*│\s*c\s*│\s*credit\s*│", last.Output);
        Assert.Contains("nnnn…", last.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Next page", last.Output, StringComparison.Ordinal);
        Assert.Equal(0, beyond.Code);
        Assert.Contains($"{tx}: 3 parked (mode Recovering); nothing from position 9 on", beyond.Output, StringComparison.Ordinal);
        Assert.Equal(2, badTake.Code);
        Assert.Contains("--take is 0; a page holds 1 to 1000 entries", badTake.Output, StringComparison.Ordinal);
    }

    private static int PendingEntryBytes(TransactionMessage message) => StateMachine.PendingEntry.EstimateBytes(message);

    /// <summary>Every stored row of the transaction (header and segments) with its ETag, ordered by row key.</summary>
    private async Task<IReadOnlyList<string>> StoredRowsAsync(string tx)
    {
        var table = new TableServiceClient(_cluster.ConnectionString).GetTableClient("OrleansRecoveryTransactions");
        var partition = _cluster.PartitionKeyOf(tx);
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{row.RowKey} {row.ETag}"));
        }

        rows.Sort(StringComparer.Ordinal);
        Assert.NotEmpty(rows);
        return rows;
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var code = await RecoveryCtl.RunAsync(args, _client, output);
        return (code, output.ToString());
    }
}
