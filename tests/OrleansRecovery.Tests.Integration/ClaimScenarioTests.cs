using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Claims 1–9 of the seed (seeds/000_15bf2617c90664c9.txt), each as a scenario through the client SDK on a 2-silo cluster with
/// Azure Table storage (Azurite). "Persistent media" is the Azure table; "system memory" is the grain activation, which each
/// scenario throws away (deactivation) to show what storage really holds.
/// </summary>
public abstract class ClaimScenarioTests(LedgerClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Claim1_NormalMessageWhileRecovering_IsQueuedDurably_AndNotApplied()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 1_000));
        await _client.BeginRecoveryAsync(tx, "outage: reconcile with the bank");

        var result = await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 250));

        Assert.Equal(SubmitOutcome.Queued, result.Outcome);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal(1, status.PendingCount);
        Assert.NotNull(status.OldestPendingSince);
        Assert.Equal(1, status.Counters.Queued);
        var data = await _client.DataAsync(tx);
        Assert.DoesNotContain("c1", data.StatementIds());
        Assert.Equal(1_000, data.Balance);

        // Completing recovery (the last act of claim 1) applies it.
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("r-done"))).Outcome);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(["opening", "c1"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task Claim2_ModeIsLoadedFromStorage_WhenAMessageArrivesAtAFreshActivation()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");
        await DeactivateAsync(tx);

        // A new activation must read Recovering from storage before classifying the message.
        var result = await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));

        Assert.Equal(SubmitOutcome.Queued, result.Outcome);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.DoesNotContain("c1", await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task Claim3_ParkedMessageIsSavedToStorage_BeforeItIsAcknowledged()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");

        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));

        // Straight from the Azure table: a header row and one pending segment row, and the header records one admitted entry.
        var rows = await _cluster.ReadRowKeysAsync(tx);
        Assert.Contains(StateNames.Header, rows);
        Assert.Contains(StateNames.Segment(0), rows);
        var header = await _cluster.ReadHeaderAsync(tx);
        Assert.NotNull(header);
        Assert.Equal(TransactionMode.Recovering, header.Mode);

        // A fresh activation (possibly on the other silo) sees the parked message.
        await DeactivateAsync(tx);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(1, status.PendingCount);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
    }

    [Fact]
    public async Task Claim4_RecoveryMessageWhileRecovering_IsProcessed()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));

        var result = await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj1", -3));

        Assert.Equal(SubmitOutcome.Processed, result.Outcome);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["adj1"], data.StatementIds());
        Assert.Equal(-3, data.Balance);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal(1, status.PendingCount);
    }

    [Fact]
    public async Task Claim5_ModeIsLoadedFromStorage_BeforeARecoveryMessageIsClassified()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));
        await DeactivateAsync(tx);

        var result = await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj1", 5));

        // Had the fresh activation not loaded Recovering, the recovery message would be rejected as NotRecovering.
        Assert.Equal(SubmitOutcome.Processed, result.Outcome);
        Assert.Equal(["adj1"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task Claim6_RecoveryEffectIsSavedToStorage_AndSurvivesReactivation()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj1", 42, recovery.RecoveryId));

        var header = await _cluster.ReadHeaderAsync(tx);
        Assert.NotNull(header);
        var stored = Assert.IsType<LedgerData>(header.Data);
        Assert.Equal(["adj1"], stored.StatementIds());

        await DeactivateAsync(tx);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["adj1"], data.StatementIds());
        Assert.Equal(42, data.Balance);
        Assert.Equal(TransactionMode.Recovering, (await _client.GetStatusAsync(tx)).Mode);
    }

    [Fact]
    public async Task Claim7_RecoveryMessageThatCompletesRecovery_EndsRecovery()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj1", 1, recovery.RecoveryId));
        Assert.Equal(TransactionMode.Recovering, (await _client.GetStatusAsync(tx)).Mode);

        var result = await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));

        Assert.Equal(SubmitOutcome.Processed, result.Outcome);
        Assert.Contains("completed", result.Reason, StringComparison.OrdinalIgnoreCase);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Null(status.Recovery);

        // Back to normal: a normal message is applied on arrival again.
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("c-after", 7))).Outcome);
    }

    [Fact]
    public async Task Claim8_NormalModeIsSavedInTheSameWriteAsTheCompletingEffect()
    {
        var tx = Ids.Transaction();
        var debit = LedgerMessages.ExternalDebit("ext1", 300, timedOut: true);
        var inDoubt = await _client.SubmitAsync(tx, debit);
        Assert.Equal(SubmitOutcome.Queued, inDoubt.Outcome);
        Assert.NotNull(inDoubt.StartedRecoveryId);

        await _client.SubmitAsync(tx, LedgerMessages.Settle("settle1", applied: true, inDoubt.StartedRecoveryId));

        // One header row holds both: mode Normal, no recovery, and the settlement's effect (the debit of the in-doubt message).
        var header = await _cluster.ReadHeaderAsync(tx);
        Assert.NotNull(header);
        Assert.Equal(TransactionMode.Normal, header.Mode);
        Assert.Null(header.Recovery);
        var stored = Assert.IsType<LedgerData>(header.Data);
        Assert.Equal(["ext1"], stored.StatementIds());
        Assert.Equal(-300, stored.Balance);

        await DeactivateAsync(tx);
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);
    }

    [Fact]
    public async Task Claim9_ParkedMessagesAreReplayedAfterCompletion_InAdmissionOrder_EachOnce()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var message = i % 3 == 2 ? LedgerMessages.Debit(Ids.Message(i), 5) : LedgerMessages.Credit(Ids.Message(i), 10 + i);
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, message)).Outcome);
            parked.Add(message.MessageId);
        }

        await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj", 100, recovery.RecoveryId));
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        var status = await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);

        var data = await _client.DataAsync(tx);
        Assert.Equal(["adj", .. parked], data.StatementIds());
        Assert.Equal(12, status.Counters.Replayed);
        Assert.Equal(12, status.Counters.Queued);
        Assert.Equal(2, status.Counters.Processed);
        Assert.Equal(0, await _cluster.CountSegmentRowsAsync(tx));
        Assert.Equal(100 + Enumerable.Range(0, 12).Sum(i => i % 3 == 2 ? -5 : 10 + i), data.Balance);
    }

    private async Task DeactivateAsync(string tx)
    {
        var grain = _client.GetTransaction(tx);
        await _cluster.Cluster.DeactivateAsync(grain);
        await _cluster.Cluster.WaitForDeactivationAsync(grain);
    }
}

/// <summary>The claim scenarios on the default layout of transaction records (a partition per transaction, a request per record).</summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class DefaultLayoutClaimScenarioTests(LedgerClusterFixture fixture) : ClaimScenarioTests(fixture);

/// <summary>The claim scenarios on the batching layout of transaction records (shared buckets, entity group transactions).</summary>
[Collection(BatchingLedgerClusterDefinition.Name)]
public sealed class BatchingLayoutClaimScenarioTests(BatchingLedgerClusterFixture fixture) : ClaimScenarioTests(fixture);
