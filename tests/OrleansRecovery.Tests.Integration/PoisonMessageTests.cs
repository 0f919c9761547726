using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// A poison message — one whose logic throws every time (here: <see cref="TestLedgerLogic.Explode"/>, a bug) — is held with
/// its error, retried a configured number of times (default 3), then waits for an operator; later messages are still admitted
/// durably behind it, the stream keeps flowing for this and other transactions, and an operator can retry or skip it.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class PoisonMessageTests(LedgerClusterFixture fixture, ITestOutputHelper output)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task PoisonMessage_IsHeldAndRetried_LaterMessagesPark_StreamsFlow_AndAnOperatorSkipsIt()
    {
        var tx = Ids.Transaction();
        var other = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("max", 100));

        var held = await c.SubmitAsync(tx, TestLedgerLogic.Poison("overflow"), expectEffect: false);

        Assert.Equal(SubmitOutcome.Queued, held.Outcome);
        Assert.Contains("InvalidOperationException", held.Reason, StringComparison.Ordinal);

        // Later messages, through the client and the stream, are admitted durably behind the held one; other transactions flow.
        var publisher = _cluster.CreatePublisher();
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, LedgerMessages.Debit("d1", 5))).Outcome);
        await c.PublishAsync(publisher, tx, LedgerMessages.Debit("d2", 5));
        await c.PublishAsync(publisher, other, LedgerMessages.Credit("o1", 7));
        await Eventually.WaitUntilAsync(async () => (await _client.GetStatusAsync(tx)).PendingCount == 2
            && (await _client.StatementIdsAsync(other)).Contains("o1"), LedgerReads.Timeout, "d2 parked and o1 applied");

        // Retried automatically up to PoisonMaxAttempts (3: after 1 s and 2 s), then it waits for an operator.
        var faulted = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Fault?.Attempts == 3,
            LedgerReads.Timeout, "three attempts at the poison message");
        Assert.Equal(TransactionMode.Faulted, faulted.Mode);
        Assert.Equal("overflow", faulted.Fault!.Message.MessageId);
        Assert.Contains("cannot apply 'explode'", faulted.Fault.Error, StringComparison.Ordinal);
        Assert.Equal(SubmitOutcome.Duplicate, (await c.SubmitAsync(tx, TestLedgerLogic.Poison("overflow"), expectEffect: false)).Outcome);

        var retried = await _client.GetTransaction(tx).RetryFaultedAsync();
        Assert.Equal(TransactionMode.Faulted, retried.Mode);
        Assert.Equal(4, retried.Fault!.Attempts);

        var skipped = await _client.GetTransaction(tx).SkipFaultedAsync("known ledger bug");
        Assert.NotEqual(TransactionMode.Faulted, skipped.Mode);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);

        var data = await _client.DataAsync(tx);
        Assert.Equal(["max", "d1", "d2"], data.StatementIds());
        Assert.Equal(90, data.Balance);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Contains(status.RecentRejections, r => r.MessageId == "overflow" && r.Reason.Contains("known ledger bug", StringComparison.Ordinal));

        // The skipped poison message is recorded as expecting no effect: it must not be applied, everything else exactly once.
        await c.AssertCheckerCleanAsync(tx, other);
    }

    [Fact]
    public async Task FaultedTransaction_ReloadedFromStorage_StillHoldsItsMessage_KeepsParking_AndDrainsInOrderWhenSkipped()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, TestLedgerLogic.Poison("bad"), expectEffect: false)).Outcome);
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, LedgerMessages.Credit("c2", 5))).Outcome);
        var before = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Faulted, before.Mode);

        // P1 for the Faulted mode: a new activation reads the held message, its error and the parked log from storage.
        var grain = _client.GetTransaction(tx);
        await _cluster.Cluster.DeactivateAsync(grain);
        await _cluster.Cluster.WaitForDeactivationAsync(grain);
        var after = await _client.GetStatusAsync(tx);

        Assert.Equal(TransactionMode.Faulted, after.Mode);
        Assert.Equal("bad", after.Fault!.Message.MessageId);
        Assert.Equal(before.Fault!.Error, after.Fault.Error);
        Assert.Equal(before.Fault.Since, after.Fault.Since);
        Assert.True(after.Fault.Attempts >= before.Fault.Attempts, $"attempts went back from {before.Fault.Attempts} to {after.Fault.Attempts}");
        Assert.Equal(1, after.PendingCount);
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, LedgerMessages.Credit("c3", 1))).Outcome);
        Assert.Equal(SubmitOutcome.Duplicate, (await c.SubmitAsync(tx, TestLedgerLogic.Poison("bad"), expectEffect: false)).Outcome);

        await grain.SkipFaultedAsync("reloaded, then skipped");
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["c1", "c2", "c3"], data.StatementIds());
        Assert.Equal(16, data.Balance);
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task OperatorCalls_OnATransactionThatIsNotFaulted_FailClearly()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c", 1));

        var retry = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetTransaction(tx).RetryFaultedAsync());
        var skip = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetTransaction(tx).SkipFaultedAsync("x"));

        Assert.Contains("not faulted", retry.Message, StringComparison.Ordinal);
        Assert.Contains("not faulted", skip.Message, StringComparison.Ordinal);
    }
}
