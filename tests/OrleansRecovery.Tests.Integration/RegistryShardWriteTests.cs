using System.Collections.Concurrent;
using OrleansRecovery.Ledger;
using OrleansRecovery.Registry;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The registry shard writes the page holding a transaction's entry only when what it must remember across a restart changes
/// (a transaction listed, its mode, since when, why, its recovery, fault or stuck flag, or its removal); a refresh that changes
/// only the pending depth, its age or the report time stays in memory. Every registry report reaches the shard at once here
/// (<c>RegistryReportInterval</c> zero), and the storage under the shard counts the writes (and clears) of the shard's pages.
/// </summary>
public sealed class RegistryShardWriteTests(RegistryShardWriteTests.CountingRegistryFixture fixture, ITestOutputHelper output)
    : IClassFixture<RegistryShardWriteTests.CountingRegistryFixture>
{
    private const int Batches = 6;
    private const int PerBatch = 5;

    [Fact]
    public async Task ShardPage_IsWrittenOnEnteringAndLeaving_NotOnDepthRefreshes()
    {
        var client = fixture.Client;
        var tx = Ids.Transaction();
        var shard = client.GetGrain<IRecoveryRegistryShardGrain>(RegistryShards.Of(tx, CountingRegistryFixture.Shards)).GetGrainId();
        var txGrain = client.GetTransaction(tx).GetGrainId();
        var start = fixture.ShardWrites(shard);

        // Entering recovery: the shard learns a new entry and stores its page, once.
        var recovery = await client.BeginRecoveryAsync(tx, "shard writes");
        await Eventually.WaitUntilAsync(
            async () => (await client.ListTransactionsAsync()).Any(e => e.TransactionId == tx && e.Mode == TransactionMode.Recovering),
            LedgerReads.Timeout, "the registry lists the recovering transaction");
        var entered = fixture.ShardWrites(shard);
        Assert.Equal(1, entered - start);

        // Parking in separate calls: each call's report reaches the shard (the listing shows each new depth), yet only the
        // depth and its age changed, so the shard record is not rewritten. The transaction's own records are written meanwhile,
        // so the counting storage does see the writes of this cluster.
        var txWritesBefore = fixture.OtherWrites(txGrain);
        for (var batch = 0; batch < Batches; batch++)
        {
            var messages = Enumerable.Range(batch * PerBatch + 1, PerBatch)
                .Select(n => LedgerMessages.Credit(Ids.Message(n), 1))
                .ToList();
            var results = await client.SubmitBatchAsync(tx, messages);
            Assert.All(results, r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
            var depth = (batch + 1) * PerBatch;
            await Eventually.WaitUntilAsync(
                async () => (await client.ListTransactionsAsync()).Any(e => e.TransactionId == tx && e.PendingCount == depth),
                LedgerReads.Timeout, $"the registry shows {depth} parked messages");
        }

        Assert.True(fixture.OtherWrites(txGrain) - txWritesBefore >= Batches,
            $"the transaction's own records were written {fixture.OtherWrites(txGrain) - txWritesBefore} times for {Batches} parking calls");
        var parked = fixture.ShardWrites(shard);
        Assert.Equal(0, parked - entered);

        // Leaving: the reconciliation ends the recovery with messages still parked, so the entry changes mode; the replay then
        // empties the pending log in one step and the entry is removed (its page written, or deleted when it held nothing else).
        // The shard holds reports in memory until its next group write, so the mode change and the removal are written in two
        // writes, or in one when both arrived before the first was sent — never more, and never none.
        var completed = await client.SubmitAsync(tx, LedgerMessages.Reconciled("reconciled", recovery.RecoveryId));
        Assert.Equal(SubmitOutcome.Processed, completed.Outcome);
        await Eventually.WaitUntilAsync(async () => !(await client.ListTransactionsAsync()).Any(e => e.TransactionId == tx),
            LedgerReads.Timeout, "the healthy transaction leaves the registry");
        var left = fixture.ShardWrites(shard);
        output.WriteLine($"Shard page writes: entering {entered - start}, parking {parked - entered}, leaving {left - parked}.");
        Assert.InRange(left - parked, 1, 2);

        var status = await fixture.Cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        Assert.Equal(Batches * PerBatch, status.Counters.Replayed);
    }

    /// <summary>
    /// One silo whose transaction storage counts completed writes and clears: those of the registry shards' pages (state names
    /// <c>registry-page-*</c>) per shard, and all others per grain. Registry reports are not rate-limited; the watchdog is slow and
    /// stuck detection far off, so nothing but the test's calls reports to the registry.
    /// </summary>
    public sealed class CountingRegistryFixture : LedgerClusterFixture
    {
        public const int Shards = 4;

        private readonly ConcurrentDictionary<GrainId, int> _shardWrites = new();
        private readonly ConcurrentDictionary<GrainId, int> _otherWrites = new();

        /// <summary>Completed writes and clears of the registry pages of <paramref name="shard"/>.</summary>
        public int ShardWrites(GrainId shard) => _shardWrites.TryGetValue(shard, out var n) ? n : 0;

        /// <summary>Completed writes of any other record of <paramref name="grainId"/>.</summary>
        public int OtherWrites(GrainId grainId) => _otherWrites.TryGetValue(grainId, out var n) ? n : 0;

        protected override void Configure(TransactionTestClusterOptions options)
        {
            options.SiloCount = 1;
            options.ConfigureRecovery = o =>
            {
                o.RegistryShards = Shards;
                o.RegistryReportInterval = TimeSpan.Zero;
                o.StuckAfter = TimeSpan.FromMinutes(10);
            };
            options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner,
                beforeWrite: static (_, _, _) => Task.CompletedTask,
                afterWrite: (name, grainId, _) =>
                {
                    var counts = name.StartsWith(RegistryStateNames.PagePrefix, StringComparison.Ordinal) ? _shardWrites : _otherWrites;
                    counts.AddOrUpdate(grainId, 1, (_, n) => n + 1);
                    return Task.CompletedTask;
                },
                beforeRead: null);
        }
    }
}
