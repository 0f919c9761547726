using System.Diagnostics;
using OrleansRecovery.Ledger;
using OrleansRecovery.Registry;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// P12 for the registry: after a crash leaves an entry that storage contradicts, the shard's reconciliation pass (every second
/// here) corrects it from the transaction's stored records, without calls to the transaction; and a transaction whose replay
/// was cut off by the crash is woken by the pass and finishes it. The transactions' watchdog is far off (5 minutes), so
/// nothing else repairs them within these tests.
/// </summary>
public abstract class RegistryReconcileTests(RegistryReconcileTests.ReconcileFixture fixture, ITestOutputHelper output)
{
    private const int Shards = 4;

    /// <summary>
    /// The documented bound with a 1 s interval is about 3 s for a few stale entries; the deadline leaves room for a busy
    /// 2-core machine and a silo failover.
    /// </summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task AStaleEntry_OfAHealthyTransaction_IsRemoved_WithoutActivatingIt()
    {
        var tx = Ids.Transaction();
        var now = DateTimeOffset.UtcNow;
        await _client.GetGrain<IRecoveryRegistryShardGrain>(RegistryShards.Of(tx, Shards))
            .UpsertAsync(new RegistryEntry(tx, TransactionMode.Recovering, now, "a report whose removal was lost", 0, null, now));

        // (Not asserted listed first: with a 1 s interval the pass may already have removed it on a slow machine.)
        var clock = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () => !(await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            Deadline, "the reconciliation removes the entry of a transaction that storage shows healthy");
        output.WriteLine($"stale entry removed after {clock.ElapsedMilliseconds} ms");
        Assert.Null(await _cluster.FindHostAsync(tx));
    }

    [Fact]
    public async Task ARemovalLostInACrash_IsRepaired_WithoutCallsToTheTransaction()
    {
        await _cluster.EnsureSiloCountAsync(2);
        var tx = Ids.Transaction();
        var shard = _client.GetGrain<IRecoveryRegistryShardGrain>(RegistryShards.Of(tx, Shards)).GetGrainId();
        var recovery = await _client.BeginRecoveryAsync(tx, "crash before the registry removal");
        Assert.Contains(await _client.ListTransactionsAsync(), e => e.TransactionId == tx);

        // The shard cannot store the removal; the transaction completes its recovery (nothing parked) and its silo dies.
        fixture.Faults.FailNextWrites(shard, 1_000_000, name => name.StartsWith(RegistryStateNames.PagePrefix, StringComparison.Ordinal));
        try
        {
            Assert.Equal(SubmitOutcome.Processed, (await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId))).Outcome);
            Assert.Equal(TransactionMode.Normal, (await _cluster.ReadHeaderAsync(tx))!.Mode);

            // A listing may see the removal while its write is in flight; once the write failed, the page's stored entry is back.
            await Eventually.WaitUntilAsync(async () => (await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
                Deadline, "the entry whose removal failed is listed again");
            await _cluster.KillHostAsync(tx);
        }
        finally
        {
            fixture.Faults.Clear(shard);
        }

        var clock = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () => !(await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            Deadline, "the reconciliation removes the entry whose removal was lost");
        output.WriteLine($"lost removal repaired {clock.ElapsedMilliseconds} ms after the kill");
        Assert.Null(await _cluster.FindHostAsync(tx));
        await _cluster.EnsureSiloCountAsync(2);
    }

    [Fact]
    public async Task AReplayCutOffByACrash_IsResumedByTheReconciliationWake()
    {
        await _cluster.EnsureSiloCountAsync(2);
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "replay cut off");
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit($"p{i}", 1))).Outcome);
        }

        // The header that ends the recovery is stored, then the silo dies before the transaction replays anything.
        var hold = fixture.Faults.HoldNextWriteAfterStoring(_cluster.GrainIdOf(tx), name => name == StateNames.Header);
        try
        {
            var completing = _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
            _ = completing.ContinueWith(t => t.Exception, TaskScheduler.Default);
            await hold.Stored.WaitAsync(LedgerReads.Timeout);
            await _cluster.KillHostAsync(tx);
        }
        finally
        {
            hold.Release();
        }

        var header = await _cluster.ReadHeaderAsync(tx);
        Assert.Equal(TransactionMode.Normal, header!.Mode);
        Assert.True(await _cluster.CountSegmentRowsAsync(tx) > 0, "the parked messages are still stored");

        // No call to the transaction: only the registry's pass can wake it (its watchdog ticks in 5 minutes).
        var clock = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () => await _cluster.CountSegmentRowsAsync(tx) == 0,
            Deadline, "the woken transaction replays its parked messages");
        await Eventually.WaitUntilAsync(async () => !(await _client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            Deadline, "the replayed transaction leaves the registry");
        output.WriteLine($"replay resumed and finished {clock.ElapsedMilliseconds} ms after the kill");

        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(3, status.Counters.Replayed);
        await _cluster.EnsureSiloCountAsync(2);
    }

    /// <summary>
    /// Two silos; transaction storage with injectable faults; registry shards reconcile every second (reminders allowed at 1 s);
    /// the transactions' watchdog and stuck detection far off; every report reaches the registry at once.
    /// </summary>
    public class ReconcileFixture : LedgerClusterFixture
    {
        public StorageFaults Faults { get; } = new();

        /// <summary>Transaction records in the batching layout (faults injected around its batches), registry records wrapped.</summary>
        protected virtual bool Batching => false;

        protected override void Configure(TransactionTestClusterOptions options)
        {
            if (Batching)
            {
                BatchingLayout.Use(options, BatchingLayout.Faults(Faults));
            }

            options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
            options.WrapStorage = (_, inner) => Faults.Wrap(inner);
            options.ConfigureRecovery = o =>
            {
                o.RegistryShards = Shards;
                o.RegistryReportInterval = TimeSpan.Zero;
                o.RegistryReconcileInterval = TimeSpan.FromSeconds(1);
                o.StuckAfter = TimeSpan.FromMinutes(10);
            };
        }
    }

    /// <summary>The same cluster with transaction records in the batching layout: the shard reads them through its store.</summary>
    public sealed class BatchingReconcileFixture : ReconcileFixture
    {
        protected override bool Batching => true;
    }
}

/// <summary>The registry's reconciliation over the default layout of transaction records.</summary>
public sealed class DefaultLayoutRegistryReconcileTests(RegistryReconcileTests.ReconcileFixture fixture, ITestOutputHelper output)
    : RegistryReconcileTests(fixture, output), IClassFixture<RegistryReconcileTests.ReconcileFixture>;

/// <summary>The registry's reconciliation over the batching layout of transaction records.</summary>
public sealed class BatchingLayoutRegistryReconcileTests(RegistryReconcileTests.BatchingReconcileFixture fixture, ITestOutputHelper output)
    : RegistryReconcileTests(fixture, output), IClassFixture<RegistryReconcileTests.BatchingReconcileFixture>;
