using System.Diagnostics;
using System.Globalization;
using Orleans.TestingHost;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Testing.Checking;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Issue 3, scenario 11 (Azurite part): at least 200 storage faults injected into a real cluster, before or after the write
/// (alternating, at seeded points), while sequential SDK senders keep several transactions busy with recoveries in progress and
/// retry every failed call with the same id until it is answered. After a drain, <see cref="QueueChecker"/> must find nothing
/// lost, duplicated, reordered or unexpected.
/// </summary>
[Collection(InjectedFaultDefinition.Name)]
public sealed class InjectedFaultRunTests(InjectedFaultFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 3_011;
    private const int Transactions = 3;
    private const int FaultTarget = 210;
    // Only a guard against a run that stops making progress: the run ends by its fault count, and a busy machine slows every
    // write (a shared CI machine took over 3 minutes for what takes under one here).
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;
    private readonly StorageFaults _faults = fixture.Faults;

    [Fact]
    public async Task TwoHundredInjectedFaults_WithRecoveriesAndRetries_LoseDuplicateReorderNothing()
    {
        var clock = Stopwatch.StartNew();
        var history = new QueueHistory();
        var before = Injected();
        var txs = Enumerable.Range(0, Transactions).Select(_ => Ids.Transaction()).ToArray();
        var stats = new RunStats();

        await Task.WhenAll(txs.Select((tx, i) => SendAsync(tx, new Random(Seed + i), history, stats, () => Injected() - before >= FaultTarget)));

        foreach (var tx in txs)
        {
            _faults.Clear(_cluster.GrainIdOf(tx));
        }

        var injected = Injected() - before;
        var statements = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var tx in txs)
        {
            await DrainAsync(tx, history, stats);
            statements[tx] = await _client.StatementIdsAsync(tx);
        }

        var result = QueueChecker.Check(history.Snapshot(), statements);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"injected-fault run: transactions={Transactions} faults injected={injected} (before-write={stats.Before} armed, after-write={stats.After} armed) " +
            $"failed calls={stats.FailedCalls} recoveries={stats.Recoveries} retried={result.Retried} indeterminate={result.Indeterminate} {result.Summary} ({clock.ElapsedMilliseconds} ms)"));

        Assert.True(result.IsValid, result.Describe());
        Assert.True(injected >= 200, $"Only {injected} faults were injected.");
        Assert.Equal(0, result.Indeterminate);
    }

    private int Injected() => _faults.Thrown + _faults.ThrownAfterStoring;

    /// <summary>One sequential SDK sender for one transaction: normal credits, a recovery now and then, a fault every few messages.</summary>
    private async Task SendAsync(string tx, Random rng, QueueHistory history, RunStats stats, Func<bool> enough)
    {
        var grain = _cluster.GrainIdOf(tx);
        var deadline = Stopwatch.StartNew();
        var n = 0;
        var afterWrite = rng.Next(2) == 0;
        string? recoveryId = null;
        var parked = 0;
        var nextFault = rng.Next(1, 4);
        while (!enough())
        {
            Assert.True(deadline.Elapsed < RunLimit, $"{tx}: the run did not inject {FaultTarget} faults within {RunLimit}.");
            if (--nextFault == 0)
            {
                nextFault = rng.Next(1, 4);
                if (afterWrite)
                {
                    _faults.FailNextWritesAfterStoring(grain, 1);
                    stats.ArmedAfter();
                }
                else
                {
                    _faults.FailNextWrites(grain, 1);
                    stats.ArmedBefore();
                }

                afterWrite = !afterWrite;
            }

            var roll = rng.Next(100);
            if (recoveryId is null && roll < 6)
            {
                recoveryId = (await RetryAsync(() => _client.BeginRecoveryAsync(tx, "injected-fault run"), stats)).RecoveryId;
                stats.Recovery();
                parked = 0;
            }
            else if (recoveryId is not null && parked >= 4 && roll < 30)
            {
                var complete = roll < 15;
                var id = string.Create(CultureInfo.InvariantCulture, $"r{++n:D5}");
                var message = complete
                    ? LedgerMessages.Reconciled(id, recoveryId)
                    : LedgerMessages.Adjustment(id, 1, recoveryId);
                await SubmitAsync(tx, message, history, stats, expectEffect: !complete);
                if (complete)
                {
                    recoveryId = null;
                }
            }
            else
            {
                await SubmitAsync(tx, LedgerMessages.Credit(string.Create(CultureInfo.InvariantCulture, $"c{++n:D5}"), 1 + rng.Next(9)),
                    history, stats, expectEffect: true);
                parked++;
            }
        }
    }

    private async Task DrainAsync(string tx, QueueHistory history, RunStats stats)
    {
        var status = await _client.GetStatusAsync(tx);
        if (status.Mode == TransactionMode.Recovering)
        {
            await SubmitAsync(tx, LedgerMessages.Reconciled("drain-" + tx, status.Recovery!.RecoveryId), history, stats, expectEffect: false);
        }

        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
    }

    /// <summary>Sends one message and retries it with the same id until it is answered.</summary>
    private async Task SubmitAsync(string tx, TransactionMessage message, QueueHistory history, RunStats stats, bool expectEffect)
    {
        var send = history.Begin(tx, message.MessageId, message.Kind, "sdk", expectEffect);
        var result = await RetryAsync(() => _client.SubmitAsync(tx, message), stats, send.Retry);
        send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, RunStats stats, Action? retrying = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < 20 && ex is not Xunit.Sdk.XunitException)
            {
                stats.Failed();
                retrying?.Invoke();
                await Task.Delay(5 * attempt);
            }
        }
    }

    private sealed class RunStats
    {
        private int _before;
        private int _after;
        private int _failed;
        private int _recoveries;

        public int Before => Volatile.Read(ref _before);

        public int After => Volatile.Read(ref _after);

        public int FailedCalls => Volatile.Read(ref _failed);

        public int Recoveries => Volatile.Read(ref _recoveries);

        public void ArmedBefore() => Interlocked.Increment(ref _before);

        public void ArmedAfter() => Interlocked.Increment(ref _after);

        public void Failed() => Interlocked.Increment(ref _failed);

        public void Recovery() => Interlocked.Increment(ref _recoveries);
    }
}

/// <summary>
/// Issue 3, scenario 6: duplicate delivery at scale. Every id is published twice on the stream and sent once through the SDK,
/// while writes are slowed so that consuming takes longer than the queue's 2 s visibility timeout and the queue redelivers
/// events already admitted. Each id must take effect exactly once (<see cref="QueueChecker"/>: 0/0/0/0).
/// </summary>
[Collection(StreamRedeliveryDefinition.Name)]
public sealed class StreamRedeliveryTests(StreamRedeliveryFixture fixture, ITestOutputHelper output)
{
    private const int Messages = 40;
    private static readonly string[] Rounds = ["stream", "stream-again"];
    private static readonly TimeSpan SlowWrite = TimeSpan.FromMilliseconds(120);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task SameIdsTwiceOnTheStreamAndOnceThroughTheSdk_WithForcedRedelivery_TakeEffectOnce()
    {
        var clock = Stopwatch.StartNew();
        var tx = Ids.Transaction();
        var history = new QueueHistory();
        var publisher = _cluster.CreatePublisher();
        var messages = Enumerable.Range(1, Messages)
            .Select(i => LedgerMessages.Credit(Ids.Message(i), 1 + (i % 7)))
            .ToArray();
        fixture.WriteDelay = SlowWrite;
        try
        {
            var stream = Task.Run(async () =>
            {
                foreach (var round in Rounds)
                {
                    foreach (var message in messages)
                    {
                        var send = history.Begin(tx, message.MessageId, MessageKind.Normal, round);
                        await publisher.PublishAsync(tx, message);
                        send.Acknowledge(AckOutcome.Published);
                    }
                }
            });
            var sdk = Task.Run(async () =>
            {
                foreach (var message in messages)
                {
                    var send = history.Begin(tx, message.MessageId, MessageKind.Normal, "sdk");
                    var result = await Eventually.WaitForAsync(() => _client.SubmitAsync(tx, message), _ => true,
                        LedgerReads.Timeout, $"{message.MessageId} is answered");
                    send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
                }
            });
            await Task.WhenAll(stream, sdk);

            // Every delivery of every id is answered: the statement is complete and stays so past another visibility timeout.
            await Eventually.WaitForAsync(() => _client.StatementIdsAsync(tx), ids => ids.Count >= Messages, LedgerReads.Timeout,
                "every id is applied");
            await Task.Delay(StreamRedeliveryFixture.VisibilityTimeout + TimeSpan.FromSeconds(2));
        }
        finally
        {
            fixture.WriteDelay = TimeSpan.Zero;
        }

        var statement = await _client.StatementIdsAsync(tx);
        var result = QueueChecker.Check(history.Snapshot(), new Dictionary<string, IReadOnlyList<string>> { [tx] = statement });
        var status = await _client.GetStatusAsync(tx);

        // Each id arrives at least 3 times (2 publishes, 1 SDK call); every arrival after the first is answered Duplicate.
        var redelivered = status.Counters.Duplicate - (2L * Messages);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream redelivery: ids={Messages} publishes={2 * Messages} sdk calls={Messages} duplicates answered={status.Counters.Duplicate} " +
            $"queue redeliveries={redelivered} {result.Summary} ({clock.ElapsedMilliseconds} ms)"));
        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), statement.Order(StringComparer.Ordinal));
        Assert.True(redelivered > 0, $"No queue redelivery was forced: {status.Counters.Duplicate} duplicates answered for {2 * Messages} repeats.");
    }
}

/// <summary>
/// Issue 3, scenario 4: the host is killed right after the header that switches back to Normal is stored (the write is held
/// after storing, so its caller never hears of it), and again right after the first replay batch (k of n applied) is stored.
/// With no input but status reads, the transaction reactivates on the other silo and applies all n parked messages once, in
/// order, leaving the pending log empty.
/// </summary>
[Collection(CrashAfterNormalDefinition.Name)]
public sealed class CrashAfterNormalTests(CrashAfterNormalFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Parked = 7;
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;
    private readonly StorageFaults _faults = fixture.Faults;

    public Task InitializeAsync() => _cluster.EnsureSiloCountAsync(2);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task HostKilledRightAfterModeNormalIsStored_ParkedMessagesReplayOnceInOrder() => RunAsync(headerWritesBeforeTheKill: 1);

    [Fact]
    public Task HostKilledRightAfterTheFirstReplayBatchIsStored_TheRestReplayOnceInOrder() => RunAsync(headerWritesBeforeTheKill: 2);

    /// <summary>Parks <see cref="Parked"/> credits, completes the recovery, and kills the host once the given header write is stored.</summary>
    private async Task RunAsync(int headerWritesBeforeTheKill)
    {
        var clock = Stopwatch.StartNew();
        var tx = Ids.Transaction();
        var history = new QueueHistory();
        var recovery = await _client.BeginRecoveryAsync(tx, "crash after Normal");
        var ids = Enumerable.Range(1, Parked).Select(Ids.Message).ToArray();
        foreach (var id in ids)
        {
            var send = history.Begin(tx, id, MessageKind.Normal, "sdk");
            var result = await _client.SubmitAsync(tx, LedgerMessages.Credit(id, 1));
            Assert.Equal(SubmitOutcome.Queued, result.Outcome);
            send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
        }

        // The n-th header write from now: 1 = the completing write (mode Normal), 2 = the first replay batch.
        var headerWrites = 0;
        var hold = _faults.HoldNextWriteAfterStoring(_cluster.GrainIdOf(tx),
            name => name == StateNames.Header && Interlocked.Increment(ref headerWrites) == headerWritesBeforeTheKill);
        InProcessSiloHandle killed;
        Task<SubmitResult> completing;
        try
        {
            var done = history.Begin(tx, "done", MessageKind.Recovery, "operator", expectEffect: false);
            completing = _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
            _ = completing.ContinueWith(t => t.Exception, TaskScheduler.Default);
            await hold.Stored.WaitAsync(LedgerReads.Timeout);
            killed = await _cluster.KillHostAsync(tx);
            output.WriteLine($"killed {killed.SiloAddress} after header write {headerWritesBeforeTheKill} was stored ({clock.ElapsedMilliseconds} ms)");
            if (headerWritesBeforeTheKill > 1 && completing.IsCompletedSuccessfully)
            {
                done.Acknowledge(AckOutcomes.FromSubmitOutcome(completing.Result.Outcome));
            }
        }
        finally
        {
            hold.Release();
        }

        // No new input: status reads only, until the transaction has replayed everything on the surviving silo.
        var status = await _cluster.WaitForReplayAsync(tx, FailoverTimeout);
        var host = await _cluster.FindHostAsync(tx);
        Assert.NotNull(host);
        Assert.NotEqual(killed.SiloAddress, host.SiloAddress);
        Assert.False(headerWritesBeforeTheKill == 1 && completing.IsCompletedSuccessfully,
            "The completing call was answered although its silo was killed before answering.");

        var statement = await _client.StatementIdsAsync(tx);
        var check = QueueChecker.Check(history.Snapshot(), new Dictionary<string, IReadOnlyList<string>> { [tx] = statement });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crash after Normal (kill after header write {headerWritesBeforeTheKill}): parked={Parked} replayed={status.Counters.Replayed} pending={status.PendingCount} {check.Summary} ({clock.ElapsedMilliseconds} ms)"));
        Assert.True(check.IsValid, check.Describe());
        Assert.Equal(ids, statement);
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Equal(0, status.PendingCount);
    }
}
