using Orleans.Runtime;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The main flow through Azure Queue persistent streams (Azurite): messages published with <see cref="TransactionStreamPublisher"/>
/// are parked while recovering, recovery messages complete the recovery, and the statement ends up complete, in order, each
/// once, even when events are published twice. Also the outbound "recovery requested" announcement.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class StreamTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task PublishedNormalMessages_AreParkedWhileRecovering_AndAppliedInOrderAfterStreamedCompletion()
    {
        const int count = 30;
        var tx = Ids.Transaction();
        var publisher = _cluster.CreatePublisher();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var normal = Enumerable.Range(0, count).Select(i => LedgerMessages.Credit(Ids.Message(i), i + 1)).ToList();

        foreach (var message in normal.Take(20))
        {
            await publisher.PublishAsync(tx, message);
        }

        await publisher.PublishBatchAsync(tx, normal.Skip(20).ToList());
        await Eventually.WaitUntilAsync(async () => (await _client.GetStatusAsync(tx)).PendingCount == count, StreamTimeout,
            $"all {count} published messages are parked");
        Assert.Empty(await _client.StatementIdsAsync(tx));

        await publisher.PublishAsync(tx, LedgerMessages.Adjustment("adj", 1_000, recovery.RecoveryId));
        await publisher.PublishAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await Eventually.WaitUntilAsync(async () => (await _client.StatementIdsAsync(tx)).Count == count + 1, StreamTimeout,
            "the statement holds the adjustment and every parked message");

        var data = await _client.DataAsync(tx);
        Assert.Equal(["adj", .. normal.Select(m => m.MessageId)], data.StatementIds());
        Assert.Equal(1_000 + (count * (count + 1) / 2), data.Balance);
        var status = await _cluster.WaitForReplayAsync(tx, StreamTimeout);
        Assert.Equal(count, status.Counters.Replayed);
        Assert.Equal(0, status.Counters.Rejected);
    }

    [Fact]
    public async Task MessagesPublishedTwice_AreAppliedOnce_AndCountedAsDuplicates()
    {
        var tx = Ids.Transaction();
        var publisher = _cluster.CreatePublisher();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var normal = Enumerable.Range(0, 10).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();

        foreach (var message in normal)
        {
            await publisher.PublishAsync(tx, message);
            await publisher.PublishAsync(tx, message);
        }

        var completion = LedgerMessages.Reconciled("done", recovery.RecoveryId);
        await publisher.PublishAsync(tx, completion);
        await publisher.PublishAsync(tx, completion);

        // At least 11: on a busy machine the queue may also redeliver an event whose deletion came after its visibility
        // timeout, and that redelivery is a duplicate too (counted, changing nothing).
        var repeated = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Duplicate >= 11, StreamTimeout,
            "the 11 repeated events are answered as duplicates");
        await _cluster.WaitForReplayAsync(tx, StreamTimeout);

        // After replay, the same normal messages again: duplicates of applied ones.
        foreach (var message in normal.Take(3))
        {
            await publisher.PublishAsync(tx, message);
        }

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Duplicate >= repeated.Counters.Duplicate + 3,
            StreamTimeout, "the 3 events re-published after replay are answered as duplicates");
        Assert.Equal(normal.Select(m => m.MessageId), await _client.StatementIdsAsync(tx));
        Assert.Equal(10, status.Counters.Replayed);
        Assert.Equal(10, status.Counters.Queued);
        Assert.Equal(1, status.Counters.Processed);
    }

    [Fact]
    public async Task BadStreamEvent_IsRejectedAndKept_NotRedeliveredForever()
    {
        var tx = Ids.Transaction();
        var publisher = _cluster.CreatePublisher();

        // A recovery message while Normal can never succeed: answered, counted, visible; the events behind it still flow.
        await publisher.PublishAsync(tx, LedgerMessages.Adjustment("adj", 5));
        await publisher.PublishAsync(tx, LedgerMessages.Credit("c1", 5));

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Processed == 1, StreamTimeout,
            "the credit behind the bad event is applied");
        Assert.Equal(1, status.Counters.Rejected);
        Assert.Equal(RejectionCode.NotRecovering, Assert.Single(status.RecentRejections).Code);
        Assert.Equal(["c1"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task BeginRecovery_IsAnnouncedOnTheRecoveryRequestsStream()
    {
        var tx = Ids.Transaction();

        var recovery = await _client.BeginRecoveryAsync(tx, "operator: bank outage");

        var probe = _client.GetGrain<IRecoveryRequestProbeGrain>(tx);
        var received = await Eventually.WaitForAsync(probe.GetReceivedAsync, r => r.Count >= 1, StreamTimeout,
            "the recovery request is announced");
        var announced = Assert.Single(received);
        Assert.Equal(tx, announced.TransactionId);
        Assert.Equal(recovery.RecoveryId, announced.RecoveryId);
        Assert.Equal("operator: bank outage", announced.Reason);
        Assert.Null(announced.Subject);

        // Idempotent: asking again while recovering neither starts another recovery nor announces again.
        var again = await _client.BeginRecoveryAsync(tx, "operator: asked twice");
        Assert.Equal(recovery.RecoveryId, again.RecoveryId);
    }

    [Fact]
    public async Task InDoubtMessage_StartsARecovery_AnnouncesIt_AndRecoveryDecidesItsOutcome()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 1_000));

        var inDoubt = await _client.SubmitAsync(tx, LedgerMessages.ExternalDebit("ext1", 300, timedOut: true));

        Assert.Equal(SubmitOutcome.Queued, inDoubt.Outcome);
        Assert.NotNull(inDoubt.StartedRecoveryId);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal("ext1", status.Recovery?.Subject?.MessageId);

        var probe = _client.GetGrain<IRecoveryRequestProbeGrain>(tx);
        var received = await Eventually.WaitForAsync(probe.GetReceivedAsync, r => r.Count >= 1, StreamTimeout,
            "the in-doubt recovery is announced");
        var announced = Assert.Single(received);
        Assert.Equal(inDoubt.StartedRecoveryId, announced.RecoveryId);
        Assert.Equal("ext1", announced.Subject?.MessageId);

        // Later normal messages park behind it; the agent settles it (the debit happened), then they replay.
        Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("c-after", 5))).Outcome);
        var settled = await _client.SubmitAsync(tx, LedgerMessages.Settle("settle", applied: true, announced.RecoveryId));
        Assert.Equal(SubmitOutcome.Processed, settled.Outcome);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["opening", "ext1", "c-after"], data.StatementIds());
        Assert.Equal(1_000 - 300 + 5, data.Balance);
    }

    [Fact]
    public async Task ForeignEventOnTheInboundStream_IsRejectedAndKept_AndLaterEventsStillFlow()
    {
        var tx = Ids.Transaction();
        var raw = _client.GetStreamProvider(TransactionStreams.ProviderName)
            .GetStream<object>(StreamId.Create(TransactionStreams.InboundNamespace, tx));

        // One client can use a stream with one event type only: object lets it send both.
        await raw.OnNextAsync("not a transaction message");
        await raw.OnNextAsync(LedgerMessages.Credit("c1", 5) with { TransactionId = tx });

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Processed == 1, StreamTimeout,
            "the credit behind the foreign event is applied");
        Assert.Equal(1, status.Counters.Rejected);
        var rejection = Assert.Single(status.RecentRejections);
        Assert.Equal(RejectionCode.InvalidKind, rejection.Code);
        Assert.Contains("System.String", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageNamingAnotherTransaction_OnTheInboundStream_IsRejectedTransactionMismatch()
    {
        var tx = Ids.Transaction();
        var raw = _client.GetStreamProvider(TransactionStreams.ProviderName)
            .GetStream<TransactionMessage>(StreamId.Create(TransactionStreams.InboundNamespace, tx));

        await raw.OnNextAsync(LedgerMessages.Credit("c1", 5) with { TransactionId = "another-account" });

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Rejected == 1, StreamTimeout,
            "the misdirected message is rejected");
        Assert.Equal(RejectionCode.TransactionMismatch, Assert.Single(status.RecentRejections).Code);
        Assert.Empty(await _client.StatementIdsAsync(tx));
    }
}
