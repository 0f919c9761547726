using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>P9: a full pending log rejects further normal messages (backpressure) and changes nothing; room comes back after replay.</summary>
[Collection(SmallPendingLogDefinition.Name)]
public sealed class BackpressureTests(SmallPendingLogFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task FullPendingLog_RejectsTheNextNormalMessage_WithPendingLogFull_AndKeepsWhatWasParked()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        for (var i = 0; i < SmallPendingLogFixture.MaxPendingEntries; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit(Ids.Message(i), 1))).Outcome);
        }

        var overflow = await _client.SubmitAsync(tx, LedgerMessages.Credit("overflow", 1));

        Assert.Equal(SubmitOutcome.Rejected, overflow.Outcome);
        Assert.Equal(RejectionCode.PendingLogFull, overflow.Code);
        Assert.Contains("MaxPendingEntries", overflow.Reason, StringComparison.Ordinal);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(SmallPendingLogFixture.MaxPendingEntries, status.PendingCount);
        Assert.Equal(1, status.Counters.Rejected);
        Assert.Equal(RejectionCode.PendingLogFull, status.RecentRejections[^1].Code);

        // Recovery messages still flow while the log is full; after replay there is room again, and the refused id is not
        // remembered as admitted (the sender's retry is accepted).
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId))).Outcome);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("overflow", 1))).Outcome);
        Assert.Equal([.. Enumerable.Range(0, SmallPendingLogFixture.MaxPendingEntries).Select(Ids.Message), "overflow"],
            await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task FullPendingLog_InABatch_AdmitsUpToTheLimit_AndRejectsTheRest()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");
        var batch = Enumerable.Range(0, 8).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();

        var results = await _client.SubmitBatchAsync(tx, batch);

        Assert.Equal(
            [.. Enumerable.Repeat(SubmitOutcome.Queued, 5), .. Enumerable.Repeat(SubmitOutcome.Rejected, 3)],
            results.Select(r => r.Outcome));
        Assert.All(results.Skip(5), r => Assert.Equal(RejectionCode.PendingLogFull, r.Code));
        Assert.Equal(5, (await _client.GetStatusAsync(tx)).PendingCount);
    }

    [Fact]
    public async Task DedupWindow_RemembersEveryPendingId_AndTheLastAppliedOnes()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = Enumerable.Range(0, SmallPendingLogFixture.MaxPendingEntries).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        await _client.SubmitBatchAsync(tx, parked);

        // Pending ids are always recognised, however small the window.
        Assert.All(await _client.SubmitBatchAsync(tx, parked), r => Assert.Equal(SubmitOutcome.Duplicate, r.Outcome));

        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);

        // Once applied, only the last DedupWindow ids are remembered: the documented bound (TransactionRecoveryOptions.DedupWindow).
        var recent = parked.TakeLast(SmallPendingLogFixture.DedupWindow).ToList();
        Assert.All(await _client.SubmitBatchAsync(tx, recent), r => Assert.Equal(SubmitOutcome.Duplicate, r.Outcome));
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, parked[0])).Outcome);
    }
}
