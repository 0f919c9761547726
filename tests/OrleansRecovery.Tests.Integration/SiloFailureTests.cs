using System.Diagnostics;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Killing the silo that hosts a transaction (no graceful shutdown) loses nothing: parked messages survive, and a replay cut
/// short resumes on the other silo by itself (the watchdog reminder) and finishes in order, each message once.
/// </summary>
[Collection(CrashClusterDefinition.Name)]
public sealed class SiloFailureTests(CrashClusterFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;
    private readonly CheckedClient _checked = new(fixture.Client, output);

    public Task InitializeAsync() => _cluster.EnsureSiloCountAsync(2);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task KillingTheHostOfARecoveringTransaction_LosesNoParkedMessage()
    {
        const int count = 60;
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = Enumerable.Range(0, count).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        Assert.All(await _checked.SubmitBatchAsync(tx, parked[..40]), r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        foreach (var message in parked[40..])
        {
            Assert.Equal(SubmitOutcome.Queued, (await _checked.SubmitAsync(tx, message)).Outcome);
        }

        var killed = await _cluster.KillHostAsync(tx);
        output.WriteLine($"killed {killed.SiloAddress}");

        // The next call reactivates the transaction on the surviving silo, from storage.
        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), _ => true, FailoverTimeout,
            "the transaction answers again after its silo was killed");
        Assert.Equal(TransactionMode.Recovering, status.Mode);
        Assert.Equal(count, status.PendingCount);
        Assert.Equal(recovery.RecoveryId, status.Recovery?.RecoveryId);
        var host = await _cluster.FindHostAsync(tx);
        Assert.NotNull(host);
        Assert.NotEqual(killed.SiloAddress, host.SiloAddress);

        var done = await _checked.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
        Assert.Equal(SubmitOutcome.Processed, done.Outcome);
        var final = await _cluster.WaitForReplayAsync(tx, FailoverTimeout);
        Assert.Equal(parked.Select(m => m.MessageId), await _client.StatementIdsAsync(tx));
        await _checked.AssertCheckerCleanAsync(tx);
        Assert.Equal(count, final.Counters.Replayed);
    }

    [Fact]
    public async Task KillingTheHostInTheMiddleOfAReplay_ResumesWithoutNewInput_AndFinishesInOrderOnce()
    {
        const int count = 400;
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var parked = Enumerable.Range(0, count).Select(i => LedgerMessages.Credit(Ids.Message(i), i + 1)).ToList();
        foreach (var chunk in parked.Chunk(100))
        {
            Assert.All(await _checked.SubmitBatchAsync(tx, chunk), r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        }

        Assert.Equal(SubmitOutcome.Processed, (await _checked.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false)).Outcome);
        var midway = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx),
            s => s.PendingCount is > 0 and < count - (2 * CrashClusterFixture.ReplayBatchSize), LedgerReads.Timeout,
            "the replay has started");
        Assert.True(midway.PendingCount > 0, "The replay finished before the silo could be killed; slow it down further.");
        // Listed (that is what brings it back after the kill), with no reminder of its own: the registry's reconciliation wakes it.
        Assert.Contains(await _client.ListTransactionsAsync(), e => e.TransactionId == tx);
        Assert.Empty(await _cluster.ReadReminderNamesAsync(tx));
        var killed = await _cluster.KillHostAsync(tx);
        output.WriteLine($"killed {killed.SiloAddress} with {midway.PendingCount} of {count} still pending");

        // From here on nothing calls the transaction: only storage is read, until the replay has finished there.
        var clock = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () =>
        {
            var header = await _cluster.ReadHeaderAsync(tx);
            return header is { Mode: TransactionMode.Normal, ReplayPosition: count }
                && await _cluster.CountSegmentRowsAsync(tx) == 0;
        }, TimeSpan.FromMinutes(3), "storage shows the replay finished (replay position = count, no segment rows left)");
        output.WriteLine($"replay finished in storage {clock.Elapsed.TotalSeconds:F1} s after the kill");

        await Eventually.WaitUntilAsync(async () => (await _client.ListTransactionsAsync()).All(e => e.TransactionId != tx),
            TimeSpan.FromSeconds(60), "the registry no longer lists the transaction once the replay is done");
        var stored = Assert.IsType<LedgerData>((await _cluster.ReadHeaderAsync(tx))!.Data);
        Assert.Equal(parked.Select(m => m.MessageId), stored.StatementIds());
        Assert.Equal(count * (count + 1) / 2, stored.Balance);

        // The client may still try the killed silo's gateway once; a status call is safe to retry.
        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), _ => true, FailoverTimeout,
            "the transaction answers again after its silo was killed");
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Equal(0, status.PendingCount);
        Assert.Equal(count, status.Counters.Replayed);
        Assert.Equal(parked.Select(m => m.MessageId), await _client.StatementIdsAsync(tx));
        await _checked.AssertCheckerCleanAsync(tx);
    }
}
