using System.Diagnostics.Metrics;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The recovery registry (sharded, no storage scan) lists recovering, faulted and stuck transactions; stuck recoveries are
/// flagged in status and registry and announced again by the watchdog reminder; the gauges count them.
/// </summary>
[Collection(RegistryClusterDefinition.Name)]
public sealed class RegistryTests(RegistryClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Registry_ListsARecoveringTransactionWithItsDepth_AndForgetsItOnceHealthy()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "ledger outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("p1", 1));
        await _client.SubmitAsync(tx, LedgerMessages.Credit("p2", 1));

        var listed = Assert.Single(await _client.ListTransactionsAsync(new RegistryQuery { Mode = TransactionMode.Recovering }),
            e => e.TransactionId == tx);
        Assert.Equal("ledger outage", listed.Reason);
        Assert.Equal(recovery.RecoveryId, listed.RecoveryId);
        Assert.Equal(2, listed.PendingCount);
        Assert.NotNull(listed.OldestPendingSince);

        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        await Eventually.WaitUntilAsync(async () => !(await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            LedgerReads.Timeout, "the healthy transaction leaves the registry");
    }

    [Fact]
    public async Task StuckRecovery_IsFlaggedInStatusAndRegistry_AndAnnouncedAgain()
    {
        var tx = Ids.Transaction();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _client.BeginRecoveryAsync(tx, "agent never answers");
        var fresh = await _client.GetStatusAsync(tx);
        if (clock.Elapsed < RegistryClusterFixture.StuckAfter)
        {
            Assert.False(fresh.Stuck); // judged only when the calls were quicker than StuckAfter (a busy machine can be slower)
        }

        var stuck = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Stuck, LedgerReads.Timeout, "the recovery is stuck");
        Assert.Equal(TransactionMode.Recovering, stuck.Mode);
        await Eventually.WaitUntilAsync(
            async () => (await _client.ListTransactionsAsync(new RegistryQuery { StuckOnly = true })).Any(e => e.TransactionId == tx),
            LedgerReads.Timeout, "the registry lists the stuck recovery");

        // The watchdog announces the stuck recovery again: the agent stand-in sees the same recovery more than once.
        var probe = _client.GetGrain<IRecoveryRequestProbeGrain>(tx);
        await Eventually.WaitUntilAsync(async () => (await probe.GetReceivedAsync()).Count >= 2, LedgerReads.Timeout,
            "the stuck recovery is announced again");
        Assert.Single((await probe.GetReceivedAsync()).Select(e => e.RecoveryId).Distinct());
    }

    [Fact]
    public async Task Registry_ListsAFaultedTransaction_WithTheHeldMessage()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 1));
        await _client.SubmitAsync(tx, TestLedgerLogic.Poison("overflow"));

        var entry = Assert.Single(await _client.ListTransactionsAsync(new RegistryQuery { Mode = TransactionMode.Faulted }),
            e => e.TransactionId == tx);
        Assert.Equal("overflow", entry.FaultMessageId);
        Assert.Contains("InvalidOperationException", entry.Reason, StringComparison.Ordinal);

        await _client.GetTransaction(tx).SkipFaultedAsync("test cleanup");
        await Eventually.WaitUntilAsync(async () => !(await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            LedgerReads.Timeout, "the skipped transaction leaves the registry");
    }

    [Fact]
    public async Task Gauges_CountRecoveringTransactionsListedByTheRegistry_AndCountersCountWrites()
    {
        var tx = Ids.Transaction();
        using var listener = new MeterListener();
        long recovering = 0;
        long writes = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RecoveryInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == RecoveryInstruments.StorageWrites)
            {
                Interlocked.Add(ref writes, value);
            }
            else if (instrument.Name == RecoveryInstruments.Transactions)
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "state", Value: "recovering" })
                    {
                        Interlocked.Add(ref recovering, value);
                    }
                }
            }
        });
        listener.Start();

        await _client.BeginRecoveryAsync(tx, "metrics");

        // The gauge counts what the registry shards list (recounted every 2 s), not what happens to be active.
        await Eventually.WaitUntilAsync(() =>
        {
            Interlocked.Exchange(ref recovering, 0);
            listener.RecordObservableInstruments();
            return Task.FromResult(Interlocked.Read(ref recovering) >= 1);
        }, LedgerReads.Timeout, "the recovering gauge counts the recovering transaction");
        Assert.True(Interlocked.Read(ref writes) >= 1, "the storage write counter did not count the header write");
    }
}
