using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// P8: no outcome before the covering write succeeded; a failed write surfaces as an error and leaves nothing half-applied, so
/// the sender's retry is applied (not answered Duplicate) and applied once.
/// </summary>
public abstract class StorageFailureTests(FaultyStorageFixture fixture, ITestOutputHelper output)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;
    private readonly StorageFaults _faults = fixture.Faults;

    [Fact]
    public async Task FailedWrite_OfANormalMessage_SurfacesAsAnError_AndTheRetryIsProcessedOnce()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 1);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5)));
        Assert.Contains("Injected storage failure", error.ToString(), StringComparison.Ordinal);

        var data = await _client.DataAsync(tx);
        Assert.Equal(["opening"], data.StatementIds());
        Assert.Equal(100, data.Balance);
        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5))).Outcome);
        Assert.Equal(["opening", "c1"], await _client.StatementIdsAsync(tx));
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task FailedWrite_OfAParkedMessage_SurfacesAsAnError_AndTheRetryIsQueuedOnce()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("p1", 5)));

        Assert.Equal(0, (await _client.GetStatusAsync(tx)).PendingCount);
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, LedgerMessages.Credit("p1", 5))).Outcome);
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).PendingCount);
        await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(["p1"], await _client.StatementIdsAsync(tx));
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task FailedWrite_OfTheCompletingRecoveryMessage_LeavesTheTransactionRecovering()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        await c.SubmitAsync(tx, LedgerMessages.Credit("p1", 5));
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false));

        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal(1, status.PendingCount);
        Assert.Empty(await _client.StatementIdsAsync(tx));
        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false)).Outcome);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(["p1"], await _client.StatementIdsAsync(tx));
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task FailedHeaderWrites_DuringReplay_AreRetried_AndEveryEntryIsAppliedOnceInOrder()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = Enumerable.Range(0, 600).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        foreach (var chunk in parked.Chunk(300))
        {
            await c.SubmitBatchAsync(tx, chunk);
        }

        // The completion's own header write succeeds; the next 3 header writes (replay steps) fail.
        var headerWrites = 0;
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 3,
            name => name == StateNames.Header && Interlocked.Increment(ref headerWrites) > 1);
        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false)).Outcome);

        var status = await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(0, _faults.Remaining(_cluster.GrainIdOf(tx)));
        Assert.Equal(parked.Select(m => m.MessageId), await _client.StatementIdsAsync(tx));
        Assert.Equal(600, status.Counters.Replayed);
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task FailedWrite_OfAStreamEvent_IsRedelivered_AndAppliedOnce()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var publisher = _cluster.CreatePublisher();
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 1));
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 2);

        await c.PublishAsync(publisher, tx, LedgerMessages.Credit("s1", 5));
        await c.PublishAsync(publisher, tx, LedgerMessages.Credit("s2", 7));

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Processed == 3,
            TimeSpan.FromSeconds(60), "both streamed credits are applied after the injected failures");
        Assert.Equal(0, _faults.Remaining(_cluster.GrainIdOf(tx)));
        Assert.Equal(["opening", "s1", "s2"], await _client.StatementIdsAsync(tx));
        Assert.Equal(0, status.Counters.Rejected);
        await c.AssertCheckerCleanAsync(tx);
    }

    [Fact]
    public async Task FailedSegmentWrite_AfterTheHeaderWasWritten_InOneBatch_NeverAppliesAMessageTwice()
    {
        // A batch whose decisions change both the header (here: a rejection is recorded) and a segment (a parked message).
        // The store writes the header first; if the segment write then fails, the stored header already counts the parked
        // entry (NextSequence) that no segment holds. Before f58acb5 that phantom entry shifted the replay position by one
        // and the retried message was applied twice.
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        TransactionMessage[] batch = [LedgerMessages.Credit("p1", 5), LedgerMessages.Credit("", 1)];
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), 1, name => name.StartsWith("txn-pending-", StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitBatchAsync(tx, batch));

        // The sender saw an error, so it retries the batch.
        var retry = await c.SubmitBatchAsync(tx, batch);
        Assert.Equal([SubmitOutcome.Queued, SubmitOutcome.Rejected], retry.Select(r => r.Outcome));
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).PendingCount);

        await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["p1"], data.StatementIds());
        Assert.Equal(5, data.Balance);
        await c.AssertCheckerCleanAsync(tx);
    }

    /// <summary>
    /// A replay whose header write keeps failing is retried with exponential backoff, not in a hot loop, and the status says why
    /// the replay does not move; once storage recovers, the replay finishes.
    /// </summary>
    [Fact]
    public async Task PersistentlyFailingReplayWrites_AreRetriedWithBackoff_AndShownInStatus()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        await c.SubmitAsync(tx, LedgerMessages.Credit("p1", 1));
        var headerWrites = 0;
        _faults.FailNextWrites(_cluster.GrainIdOf(tx), int.MaxValue,
            name => name == StateNames.Header && Interlocked.Increment(ref headerWrites) > 1);
        await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
        var before = _faults.Thrown;
        var started = System.Diagnostics.Stopwatch.StartNew();

        // Backoff starts at 100 ms and doubles: four consecutive failures take at least 100 + 200 + 400 ms after the first.
        var status = await Eventually.WaitForAsync(
            () => _client.GetStatusAsync(tx),
            s => s.ReplayFailures >= 4,
            TimeSpan.FromSeconds(30),
            "four consecutive failed replay steps");
        var elapsed = started.Elapsed;
        var attempts = _faults.Thrown - before;
        _faults.Clear(_cluster.GrainIdOf(tx));

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(650), $"4 failures within {elapsed.TotalMilliseconds:F0} ms: no backoff.");
        Assert.True(attempts <= status.ReplayFailures + 2, $"{attempts} failed writes for {status.ReplayFailures} counted failures.");
        Assert.Contains("Injected", status.LastReplayError, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, status.PendingCount);

        await _cluster.WaitForReplayAsync(tx, TimeSpan.FromSeconds(60));
        var healthy = await _client.GetStatusAsync(tx);
        Assert.Equal(0, healthy.ReplayFailures);
        Assert.Null(healthy.LastReplayError);
        await c.AssertCheckerCleanAsync(tx);
    }
}

/// <summary>The storage failure tests on the default layout of transaction records (a partition per transaction, a request per record).</summary>
[Collection(FaultyStorageDefinition.Name)]
public sealed class DefaultLayoutStorageFailureTests(FaultyStorageFixture fixture, ITestOutputHelper output) : StorageFailureTests(fixture, output);

/// <summary>The storage failure tests on the batching layout of transaction records (shared buckets, entity group transactions).</summary>
[Collection(BatchingFaultyStorageDefinition.Name)]
public sealed class BatchingLayoutStorageFailureTests(BatchingFaultyStorageFixture fixture, ITestOutputHelper output) : StorageFailureTests(fixture, output);
