using Orleans.TestingHost;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// P11 on a 2-silo cluster: once a scope's opening is acknowledged, no normal message of a transaction in the scope is applied
/// until that transaction's own recovery completes — active or not, on either silo; each enters recovery on its next message and
/// announces it with the scope and campaign; closing stops new entries while members complete one by one.
/// </summary>
[Collection(OutageClusterDefinition.Name)]
public sealed class RecoveryScopeTests(OutageClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task OpenScope_ActiveAndUntouchedTransactionsOnBothSilos_ParkEnterRecoveryAndReplayOnceAfterTheirOwnCompletion()
    {
        var scope = Ids.Transaction("bank");
        var untouched = Enumerable.Range(0, 12).Select(i => $"{scope}::untouched-{i}").ToList();
        var outsider = Ids.Transaction("outsider");

        // At least 12 active transactions, on both silos: placement decides where each lands (a silo started by an earlier
        // test may get none at first), so activate more until both silos hold some.
        var active = new List<string>();
        await Eventually.WaitUntilAsync(async () =>
        {
            // Duplicate: an earlier check's call was applied but its answer lost (a busy machine); the same id is not applied twice.
            var tx = $"{scope}::active-{active.Count}";
            var before = await _client.SubmitAsync(tx, LedgerMessages.Credit("before", 100));
            Assert.True(before.Outcome is SubmitOutcome.Processed or SubmitOutcome.Duplicate, $"{tx}: {before.Outcome} {before.Reason}");
            active.Add(tx);
            var hosts = await Task.WhenAll(active.Select(_cluster.FindHostAsync));
            return active.Count >= 12 && hosts.OfType<InProcessSiloHandle>().Select(h => h.SiloAddress).Distinct().Count() == 2;
        }, LedgerReads.Timeout, "active transactions live on both silos");

        var opened = await _client.GetGrain<IRecoveryScopeGrain>(scope).OpenAsync("bank is down");
        Assert.True(opened.IsOpen);
        Assert.NotNull(opened.CampaignId);

        // Right after the acknowledgement, nothing of the scope is applied: every message parks and starts the scope's recovery.
        foreach (var tx in active.Concat(untouched))
        {
            var answer = await _client.SubmitAsync(tx, LedgerMessages.Credit("during", 5));
            Assert.True(answer.Outcome == SubmitOutcome.Queued, $"{tx}: {answer.Outcome} {answer.Reason}");
            var status = await _client.GetStatusAsync(tx);
            Assert.Equal(TransactionMode.Recovering, status.Mode);
            Assert.Equal(scope, status.Recovery!.Scope);
            Assert.Equal(opened.CampaignId, status.Recovery.CampaignId);
            Assert.Equal(1, status.PendingCount);
        }

        // A transaction outside the scope is unaffected.
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(outsider, LedgerMessages.Credit("o", 1))).Outcome);

        // Each announced its recovery with the scope and the campaign.
        var announced = await Eventually.WaitForAsync(
            () => _client.GetGrain<IRecoveryRequestProbeGrain>(untouched[0]).GetReceivedAsync(), r => r.Count > 0,
            LedgerReads.Timeout, "the untouched transaction announces its recovery");
        Assert.Equal(scope, announced[0].Scope);
        Assert.Equal(opened.CampaignId, announced[0].CampaignId);

        var progress = await Eventually.WaitForAsync(() => _client.GetGrain<IRecoveryScopeGrain>(scope).GetProgressAsync(),
            p => p!.Recovering == active.Count + untouched.Count, LedgerReads.Timeout, "the scope's progress counts every recovering member");
        Assert.Equal(opened.CampaignId, progress!.CampaignId);

        // Closing stops new entries; members still complete one by one, and only then are their parked messages applied once.
        await _client.GetGrain<IRecoveryScopeGrain>(scope).CloseAsync();
        var late = $"{scope}::after-close";
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(late, LedgerMessages.Credit("c", 1))).Outcome);
        foreach (var tx in active.Concat(untouched))
        {
            var stillParked = await _client.GetStatusAsync(tx);
            Assert.Equal(TransactionMode.Recovering, stillParked.Mode);
            await _client.SubmitAsync(tx, LedgerMessages.Reconciled("reconciled"));
            var done = await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
            Assert.Equal(TransactionMode.Normal, done.Mode);
        }

        foreach (var tx in active)
        {
            var data = await _client.GetDataAsync<LedgerData>(tx);
            Assert.Equal(["before", "during"], data!.StatementIds());
            Assert.Equal(105, data!.Balance);
        }

        await Eventually.WaitUntilAsync(async () => (await _client.GetGrain<IRecoveryScopeGrain>(scope).GetProgressAsync())!.State == CampaignState.Done,
            LedgerReads.Timeout, "the closed scope's campaign is done once every member is back to Normal");
    }

    [Fact]
    public async Task OpenScope_TransactionThatCompletedItsRecovery_IsNotPutBackWhileTheScopeStaysOpen()
    {
        var scope = Ids.Transaction("bank");
        var tx = $"{scope}::acct";
        await _client.GetGrain<IRecoveryScopeGrain>(scope).OpenAsync("reconcile");
        Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("p1", 10))).Outcome);
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("r1"));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);

        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("p2", 10))).Outcome);
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);
        await _client.GetGrain<IRecoveryScopeGrain>(scope).CloseAsync();
    }

    [Fact]
    public async Task OpenScope_SurvivesTheLossOfTheSiloHoldingTheScopeGrain_AndReachesReactivatedTransactions()
    {
        var scope = Ids.Transaction("bank");
        var tx = $"{scope}::acct";
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("c0", 1))).Outcome);
        await _client.GetGrain<IRecoveryScopeGrain>(scope).OpenAsync("bank is down");

        // The transaction's silo dies: its next activation reads the scope from storage, not from a memory that died with the silo.
        await _cluster.KillHostAsync(tx);
        try
        {
            var answer = await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 1));
            Assert.Equal(SubmitOutcome.Queued, answer.Outcome);
            Assert.Equal(scope, (await _client.GetStatusAsync(tx)).Recovery!.Scope);
        }
        finally
        {
            await _cluster.EnsureSiloCountAsync(2);
            await _client.GetGrain<IRecoveryScopeGrain>(scope).CloseAsync();
        }
    }

    [Fact]
    public async Task ScopeNames_AreValidated()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _client.GetGrain<IRecoveryScopeGrain>("a/b").OpenAsync("x"));
        Assert.Contains("'/'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetGrain<IRecoveryScopeGrain>(Ids.Transaction("bank")).OpenAsync(" "));
    }
}
