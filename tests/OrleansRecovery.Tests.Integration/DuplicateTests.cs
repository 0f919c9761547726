using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>P7 through the client SDK: an id already admitted (applied, processed or pending) is answered Duplicate and changes nothing.</summary>
public abstract class DuplicateTests(LedgerClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task SameNormalMessageTwice_InNormalMode_SecondIsDuplicate_AppliedOnce()
    {
        var tx = Ids.Transaction();
        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10))).Outcome);

        var again = await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));

        Assert.Equal(SubmitOutcome.Duplicate, again.Outcome);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["c1"], data.StatementIds());
        Assert.Equal(10, data.Balance);
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).Counters.Duplicate);
    }

    [Fact]
    public async Task SameNormalMessageTwice_WhilePending_AndAgainAfterReplay_IsDuplicate_AppliedOnce()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("p1", 10))).Outcome);

        var whilePending = await _client.SubmitAsync(tx, LedgerMessages.Credit("p1", 10));

        Assert.Equal(SubmitOutcome.Duplicate, whilePending.Outcome);
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).PendingCount);

        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var afterApplied = await _client.SubmitAsync(tx, LedgerMessages.Credit("p1", 10));

        Assert.Equal(SubmitOutcome.Duplicate, afterApplied.Outcome);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(2, status.Counters.Duplicate);
        Assert.Equal(0, status.PendingCount);
        Assert.Equal(["p1"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task SameRecoveryMessageTwice_SecondIsDuplicate_AppliedOnce()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var adjustment = LedgerMessages.Adjustment("adj1", 7, recovery.RecoveryId);

        Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, adjustment)).Outcome);
        Assert.Equal(SubmitOutcome.Duplicate, (await _client.SubmitAsync(tx, adjustment)).Outcome);

        var data = await _client.DataAsync(tx);
        Assert.Equal(["adj1"], data.StatementIds());
        Assert.Equal(7, data.Balance);
    }

    [Fact]
    public async Task DuplicateInsideOneBatch_IsAnsweredDuplicate_InItsPosition()
    {
        var tx = Ids.Transaction();

        var results = await _client.SubmitBatchAsync(tx,
            [LedgerMessages.Credit("a", 1), LedgerMessages.Credit("b", 2), LedgerMessages.Credit("a", 1)]);

        Assert.Equal([SubmitOutcome.Processed, SubmitOutcome.Processed, SubmitOutcome.Duplicate], results.Select(r => r.Outcome));
        Assert.Equal(["a", "b"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task ResubmittingTheInDoubtMessage_IsDuplicate_NotASecondRecovery()
    {
        var tx = Ids.Transaction();
        var first = await _client.SubmitAsync(tx, LedgerMessages.ExternalDebit("ext1", 50, timedOut: true));
        Assert.Equal(SubmitOutcome.Queued, first.Outcome);

        var again = await _client.SubmitAsync(tx, LedgerMessages.ExternalDebit("ext1", 50, timedOut: true));

        Assert.Equal(SubmitOutcome.Duplicate, again.Outcome);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(first.StartedRecoveryId, status.Recovery?.RecoveryId);
        Assert.Equal("ext1", status.Recovery?.Subject?.MessageId);
        Assert.Equal(0, status.PendingCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentSubmissionsOfOneId_AdmitItExactlyOnce(bool recovering)
    {
        var tx = Ids.Transaction() + (recovering ? "-r" : "-n");
        if (recovering)
        {
            await _client.BeginRecoveryAsync(tx, "outage");
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.SubmitAsync(tx, LedgerMessages.Credit("same", 10))));

        Assert.Single(results, r => r.IsAccepted);
        Assert.Equal(19, results.Count(r => r.Outcome == SubmitOutcome.Duplicate));
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(19, status.Counters.Duplicate);
        Assert.Equal(recovering ? 1 : 0, status.PendingCount);
    }

    [Fact]
    public async Task ConcurrentSubmissionsWhileRecovering_AreEachReplayedOnce_InAdmissionOrder()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var messages = Enumerable.Range(0, 40).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();

        var results = await Task.WhenAll(messages.Select(m => _client.SubmitAsync(tx, m)));

        Assert.All(results, r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var statement = await _client.StatementIdsAsync(tx);
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), statement.Order(StringComparer.Ordinal));
        var header = await _cluster.ReadHeaderAsync(tx);
        Assert.Equal(40, header!.ReplayPosition);
    }
}

/// <summary>The duplicate tests on the default layout of transaction records (a partition per transaction, a request per record).</summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class DefaultLayoutDuplicateTests(LedgerClusterFixture fixture) : DuplicateTests(fixture);

/// <summary>The duplicate tests on the batching layout of transaction records (shared buckets, entity group transactions).</summary>
[Collection(BatchingLedgerClusterDefinition.Name)]
public sealed class BatchingLayoutDuplicateTests(BatchingLedgerClusterFixture fixture) : DuplicateTests(fixture);
