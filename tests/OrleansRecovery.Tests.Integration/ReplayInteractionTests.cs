using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// What happens while a replay is running (slowed down by the crash fixture's storage): P6 order for messages arriving during
/// the replay, a new recovery interrupting it, and a parked message that leaves the transaction in doubt when replayed.
/// </summary>
[Collection(CrashClusterDefinition.Name)]
public sealed class ReplayInteractionTests(CrashClusterFixture fixture) : IAsyncLifetime
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    public Task InitializeAsync() => _cluster.EnsureSiloCountAsync(2);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task NormalMessageArrivingDuringReplay_IsQueuedBehindTheLog_AndAppliedLast()
    {
        var tx = Ids.Transaction();
        var parked = await ParkAndCompleteAsync(tx, 100);

        var late = await _client.SubmitAsync(tx, LedgerMessages.Credit("late", 1));

        Assert.Equal(SubmitOutcome.Queued, late.Outcome);
        await _cluster.WaitForReplayAsync(tx, TimeSpan.FromMinutes(3));
        Assert.Equal([.. parked, "late"], await _client.StatementIdsAsync(tx));
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("after", 1))).Outcome);
    }

    [Fact]
    public async Task NewRecoveryDuringReplay_PausesIt_AndTheRestReplaysAfterTheSecondRecovery()
    {
        var tx = Ids.Transaction();
        var parked = await ParkAndCompleteAsync(tx, 100);

        var second = await _client.BeginRecoveryAsync(tx, "second outage during replay");
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.True(status.PendingCount > 0, "The replay finished before the second recovery began; slow it down further.");
        var applied = await _client.StatementIdsAsync(tx);
        Assert.Equal(parked.Take(applied.Count), applied);
        Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("during-second", 1))).Outcome);

        // Nothing more is applied while recovering.
        Assert.Equal(applied, await _client.StatementIdsAsync(tx));
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj2", 10, second.RecoveryId))).Outcome);
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done2", second.RecoveryId))).Outcome);
        await _cluster.WaitForReplayAsync(tx, TimeSpan.FromMinutes(3));
        Assert.Equal([.. applied, "adj2", .. parked.Skip(applied.Count), "during-second"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task ParkedMessageThatLeavesTheTransactionInDoubt_WhenReplayed_StartsARecovery_AndHoldsTheRestBack()
    {
        var tx = Ids.Transaction();
        var first = await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 1_000));
        await _client.SubmitAsync(tx, LedgerMessages.ExternalDebit("ext", 300, timedOut: true));
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c2", 5));

        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", first.RecoveryId));

        var inDoubt = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx),
            s => s.Mode == TransactionMode.Recovering && s.Recovery?.Subject is not null, LedgerReads.Timeout,
            "the replayed external debit starts a new recovery");
        Assert.Equal("ext", inDoubt.Recovery!.Subject!.MessageId);
        Assert.NotEqual(first.RecoveryId, inDoubt.Recovery.RecoveryId);
        Assert.Equal(1, inDoubt.PendingCount);
        Assert.Equal(["c1"], await _client.StatementIdsAsync(tx));
        var probe = _client.GetGrain<IRecoveryRequestProbeGrain>(tx);
        await Eventually.WaitUntilAsync(async () => (await probe.GetReceivedAsync()).Any(r => r.Subject?.MessageId == "ext"),
            TimeSpan.FromSeconds(60), "the new recovery is announced with its subject");

        // The system of record says the debit did not happen: it is not posted, and c2 follows.
        await _client.SubmitAsync(tx, LedgerMessages.Settle("settle", applied: false, inDoubt.Recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["c1", "c2"], data.StatementIds());
        Assert.Equal(1_005, data.Balance);
        Assert.Equal(SubmitOutcome.Duplicate, (await _client.SubmitAsync(tx, LedgerMessages.ExternalDebit("ext", 300, timedOut: false))).Outcome);
    }

    private async Task<IReadOnlyList<string>> ParkAndCompleteAsync(string tx, int count)
    {
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = Enumerable.Range(0, count).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        await _client.SubmitBatchAsync(tx, parked);
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId))).Outcome);
        return [.. parked.Select(m => m.MessageId)];
    }
}
