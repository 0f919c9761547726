using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orleans.Storage;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Testing.Checking;
using OrleansRecovery.Tests.Unit.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// Issue 3, scenario 11 (in-memory part): seeded schedules that drive the real <see cref="TransactionStore"/>,
/// <see cref="TransactionRecords"/> and <see cref="RecoveryStateMachine"/> exactly as the transaction grain does, over an in-memory
/// storage with ETag semantics wrapped by <see cref="StorageFaults"/>: faults before a write, after a write and on reads at seeded
/// points of every storage call, and a crash (a new activation) between any two steps. Each schedule is drained and checked by
/// <see cref="QueueChecker"/>: nothing lost, duplicated, reordered or unexpected.
/// </summary>
public sealed class StoreSimulationTests(ITestOutputHelper output)
{
    private const int Schedules = 2_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SeededSchedules_WithStorageFaultsAndCrashesBetweenEveryStep_LoseDuplicateReorderNothing(bool batchingLayout)
    {
        var clock = Stopwatch.StartNew();
        var totals = new StoreSimulation.Totals();
        var failures = new List<(int Seed, string Report)>();
        for (var seed = 1; seed <= Schedules; seed++)
        {
            var run = new StoreSimulation(seed, batchingLayout);
            if (await run.RunAsync() is { } report)
            {
                failures.Add((seed, report));
            }

            totals.Add(run);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store simulation: schedules={Schedules} steps={totals.Steps} faults injected={totals.Faults} (before-write={totals.BeforeWrite} after-write={totals.AfterWrite} read={totals.Reads}) crashes={totals.Crashes} etag conflicts={totals.Conflicts} retried={totals.Retried} " +
            $"checker: sent={totals.Sent} acked={totals.Acked} applied={totals.Applied} lost={totals.Lost} duplicated={totals.Duplicated} reordered={totals.Reordered} unexpected={totals.Unexpected} failing seeds={failures.Count} ({clock.ElapsedMilliseconds} ms)"));

        // The schedules must actually hit faults of every kind and crashes, or passing means little.
        Assert.True(totals.BeforeWrite >= 1_000 && totals.AfterWrite >= 1_000 && totals.Reads >= 500 && totals.Crashes >= 5_000,
            "The schedules injected too few faults or crashes to mean anything.");

        if (failures.Count > 0)
        {
            var shortest = failures.MinBy(f => f.Report.Length);
            Assert.Fail($"{failures.Count} of {Schedules} schedules failed; seeds: "
                + string.Join(", ", failures.Take(30).Select(f => f.Seed))
                + $"\nShortest failing schedule (replay with SeededSchedule_Replays({shortest.Seed})):\n{shortest.Report}");
        }
    }

    /// <summary>Replays one schedule and prints its step log; put a failing seed here to debug it.</summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(42, false)]
    [InlineData(1_999, false)]
    [InlineData(1, true)]
    [InlineData(42, true)]
    public async Task SeededSchedule_Replays(int seed, bool batchingLayout)
    {
        var run = new StoreSimulation(seed, batchingLayout);
        var failure = await run.RunAsync();
        output.WriteLine(run.Log);

        Assert.True(failure is null, failure);
    }
}

/// <summary>One seeded schedule against one transaction, driven as <c>TransactionGrain</c> drives its store.</summary>
internal sealed class StoreSimulation
{
    private const string TransactionId = "sim-tx";
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly int _seed;
    private readonly Random _rng;
    private readonly StorageFaults _faults = new();
    private readonly InMemoryGrainStorage _backend = new();
    private readonly IGrainStorage _storage;
    private readonly GrainId _grain = GrainId.Create("transaction", TransactionId);
    private readonly RecoveryStateMachine _machine;
    private readonly QueueHistory _history = new();
    private readonly StringBuilder _log = new();
    private readonly List<TransactionMessage> _answeredNormals = [];
    private readonly SimulatedTableClient _table = new();
    private readonly ReferenceRecordSerializer _records = new();
    private readonly bool _batchingLayout;
    private ITransactionRecordStore _store;
    private TransactionState? _state;
    private Outstanding? _normal;
    private Outstanding? _recovery;
    private int _recoveries;
    private int _nextNormal;
    private int _nextRecovery;

    public StoreSimulation(int seed, bool batchingLayout = false)
    {
        _seed = seed;
        _batchingLayout = batchingLayout;
        _rng = new Random(seed);
        _storage = _faults.Wrap(_backend);
        _store = NewStore();
        _machine = new RecoveryStateMachine(new CountingLogic(), new RecoveryLimits
        {
            SegmentMaxEntries = _rng.Next(2, 5),
            ReplayBatchSize = _rng.Next(1, 4),
            MaxBatchSize = 10,
        });
    }

    public int Steps { get; private set; }

    public int Crashes { get; private set; }

    public QueueCheckResult? Result { get; private set; }

    public int BeforeWrite => _faults.Thrown;

    public int AfterWrite => _faults.ThrownAfterStoring;

    public int Reads => _faults.ThrownReads;

    public int Conflicts => _backend.Conflicts + _table.Conflicts;

    /// <summary>
    /// A new activation's store: the default layout over the faulty grain storage, or the batching layout over the simulated
    /// table with the same faults injected around its batches (before queuing, after storing, on the load).
    /// </summary>
    private ITransactionRecordStore NewStore() => _batchingLayout
        ? new OrleansRecovery.Batching.BucketTable(_table, "sim-service", bucketCount: 4, maxOperations: 100, maxBytes: 3_670_016, TimeSpan.Zero,
            _records)
        {
            Hooks = new OrleansRecovery.Batching.BucketStoreHooks(_faults.BeforeWrite, _faults.AfterWrite, _faults.BeforeRead),
        }.Create(_grain, TransactionId)
        : new TransactionStore(_storage, _grain);

    public string Log => _log.ToString();

    /// <summary>Runs the schedule, drains it and checks it; returns null when it holds, else a report with the step log.</summary>
    public async Task<string?> RunAsync()
    {
        Note($"seed {_seed} ({(_batchingLayout ? "batching" : "default")} layout): segment max {_machine.Limits.SegmentMaxEntries}, replay batch {_machine.Limits.ReplayBatchSize}");
        try
        {
            var steps = _rng.Next(20, 70);
            for (var i = 0; i < steps; i++)
            {
                Steps++;
                MaybeArmFault();
                await StepAsync(_rng.Next(100));
                if (_rng.Next(100) < 15)
                {
                    Crash("crash between steps");
                }
            }

            await DrainAsync();
            return await CheckAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Note($"EXCEPTION: {ex}");
            return Report("the schedule threw");
        }
    }

    private async Task StepAsync(int roll)
    {
        switch (roll)
        {
            case < 40:
                await SendNormalAsync();
                break;
            case < 48:
                await SendDuplicateAsync();
                break;
            case < 56:
                await BeginRecoveryAsync();
                break;
            case < 72:
                await SendRecoveryAsync(complete: _rng.Next(100) < 35);
                break;
            case < 92:
                await ReplayAsync();
                break;
            default:
                Crash("crash");
                break;
        }
    }

    private void MaybeArmFault()
    {
        if (_rng.Next(100) >= 35)
        {
            return;
        }

        Func<string, bool> which = _rng.Next(3) switch
        {
            0 => name => name == StateNames.Header,
            1 => name => name != StateNames.Header,
            _ => _ => true,
        };
        var scope = which("x") ? "any" : which(StateNames.Header) ? "header" : "segment";
        switch (_rng.Next(3))
        {
            case 0:
                _faults.FailNextWrites(_grain, 1, which);
                Note($"  arm: fail next {scope} write before storing");
                break;
            case 1:
                _faults.FailNextWritesAfterStoring(_grain, 1, which);
                Note($"  arm: fail next {scope} write after storing");
                break;
            default:
                _faults.FailNextReads(_grain, 1, which);
                Note($"  arm: fail next {scope} read");
                break;
        }
    }

    private void Crash(string why)
    {
        Crashes++;
        _state = null;
        _store = NewStore();
        Note($"{why}: state dropped, new activation");
    }

    /// <summary>The SDK-like sequential sender: retries its unanswered submission (same ids) before sending anything new.</summary>
    private async Task SendNormalAsync()
    {
        if (_normal is null)
        {
            var roll = _rng.Next(100);
            var count = roll < 15 ? _rng.Next(2, 4) : 1;
            var messages = new List<TransactionMessage>();
            for (var i = 0; i < count; i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"n{++_nextNormal:D4}");
                var type = count == 1 && roll >= 90 ? "in-doubt" : "apply";
                messages.Add(TransactionMessage.Normal(id, type, string.Empty));
            }

            _normal = new Outstanding(messages, [.. messages.Select(m => _history.Begin(TransactionId, m.MessageId, MessageKind.Normal, "sdk"))]);
        }
        else
        {
            foreach (var send in _normal.Sends)
            {
                send.Retry();
            }
        }

        var outstanding = _normal;
        var results = await TrySubmitAsync(outstanding, "normal");
        if (results is null)
        {
            return;
        }

        _normal = null;
        for (var i = 0; i < results.Count; i++)
        {
            outstanding.Sends[i].Acknowledge(AckOutcomes.FromSubmitOutcome(results[i].Outcome));
            if (results[i].Outcome != SubmitOutcome.Rejected)
            {
                _answeredNormals.Add(outstanding.Messages[i]);
            }
        }
    }

    /// <summary>Another sender (a redelivery) resends an answered normal message once; no retry when it fails.</summary>
    private async Task SendDuplicateAsync()
    {
        if (_answeredNormals.Count == 0)
        {
            await SendNormalAsync();
            return;
        }

        var message = _answeredNormals[_rng.Next(_answeredNormals.Count)];
        var send = _history.Begin(TransactionId, message.MessageId, MessageKind.Normal, "redelivery");
        var results = await TrySubmitAsync(new Outstanding([message], [send]), "duplicate");
        if (results is not null)
        {
            send.Acknowledge(AckOutcomes.FromSubmitOutcome(results[0].Outcome));
            if (results[0].Outcome != SubmitOutcome.Duplicate)
            {
                Note($"  NOTE: resend of answered {message.MessageId} was answered {results[0].Outcome}");
            }
        }
    }

    /// <summary>The recovery operator: retries its unanswered recovery message before sending a new one.</summary>
    private async Task SendRecoveryAsync(bool complete)
    {
        if (_recovery is null)
        {
            string? recoveryId = null;
            try
            {
                recoveryId = (await CurrentAsync()).Recovery?.RecoveryId;
            }
            catch (Exception ex) when (IsFault(ex))
            {
                Note($"recovery operator: status read failed ({Short(ex)})");
                return;
            }

            if (recoveryId is null && _rng.Next(100) >= 20)
            {
                return;
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"r{++_nextRecovery:D4}");
            var message = TransactionMessage.Recovery(id, complete ? "done" : "fix", string.Empty, recoveryId);
            _recovery = new Outstanding([message], [_history.Begin(TransactionId, id, MessageKind.Recovery, "operator")]);
        }
        else
        {
            _recovery.Sends[0].Retry();
        }

        var outstanding = _recovery;
        var results = await TrySubmitAsync(outstanding, "recovery");
        if (results is not null)
        {
            _recovery = null;
            outstanding.Sends[0].Acknowledge(AckOutcomes.FromSubmitOutcome(results[0].Outcome));
        }
    }

    private async Task<IReadOnlyList<SubmitResult>?> TrySubmitAsync(Outstanding outstanding, string what)
    {
        var ids = string.Join(",", outstanding.Messages.Select(m => m.MessageId + (m.Type == "apply" ? string.Empty : ":" + m.Type)));
        try
        {
            var state = await CurrentAsync();
            var transition = _machine.Submit(state, TransactionId, outstanding.Messages, Now, NewRecoveryId);
            await CommitAsync(transition);
            Note($"{what} [{ids}] → {string.Join(",", transition.Results.Select(r => r.Outcome))} (mode {transition.State.Mode}, pending {transition.State.Pending.Count})");
            return transition.Results;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            Note($"{what} [{ids}] → failed: {Short(ex)}");
            return null;
        }
    }

    private async Task BeginRecoveryAsync()
    {
        try
        {
            var state = await CurrentAsync();
            var transition = _machine.BeginRecovery(state, TransactionId, "operator asked", Now, NewRecoveryId());
            await CommitAsync(transition);
            Note($"begin recovery → {transition.State.Recovery?.RecoveryId}");
        }
        catch (Exception ex) when (IsFault(ex))
        {
            Note($"begin recovery → failed: {Short(ex)}");
        }
    }

    private async Task ReplayAsync()
    {
        try
        {
            var state = await CurrentAsync();
            if (!state.ReplayDue)
            {
                return;
            }

            var transition = _machine.ReplayBatch(state, Now, NewRecoveryId);
            await CommitAsync(transition);
            Note($"replay → {transition.Replayed} applied (mode {transition.State.Mode}, pending {transition.State.Pending.Count}, garbage [{string.Join(",", transition.Writes.Garbage)}])");
            try
            {
                await _store.ClearAsync(transition.Writes.Garbage, CancellationToken.None);
            }
            catch (Exception ex) when (IsFault(ex))
            {
                Note($"  clear garbage failed (best effort): {Short(ex)}");
            }
        }
        catch (Exception ex) when (IsFault(ex))
        {
            Note($"replay → failed: {Short(ex)}");
        }
    }

    /// <summary>As the grain: the in-memory state, or what storage holds.</summary>
    private async Task<TransactionState> CurrentAsync() =>
        _state ??= await _store.LoadAsync(_machine.Limits, () => _machine.NewState(TransactionId).Data, CancellationToken.None);

    /// <summary>As the grain: write (header first, then segments), adopt only on success, drop the state on any failure.</summary>
    private async Task CommitAsync(Transition transition)
    {
        if (!transition.Writes.IsEmpty)
        {
            try
            {
                await _store.WriteAsync(transition.State, transition.Writes, CancellationToken.None);
            }
            catch
            {
                _state = null;
                throw;
            }
        }

        _state = transition.State;
    }

    /// <summary>No faults any more: answer every outstanding message, complete every recovery and replay until nothing is due.</summary>
    private async Task DrainAsync()
    {
        _faults.Clear(_grain);
        Crash("drain: faults disarmed");
        for (var i = 0; i < 10_000; i++)
        {
            if (_normal is not null)
            {
                await SendNormalAsync();
                continue;
            }

            if (_recovery is not null)
            {
                await SendRecoveryAsync(complete: true);
                continue;
            }

            var state = await CurrentAsync();
            if (state.Mode == TransactionMode.Recovering)
            {
                await SendRecoveryAsync(complete: true);
                continue;
            }

            if (state.ReplayDue)
            {
                await ReplayAsync();
                continue;
            }

            if (state.Mode != TransactionMode.Normal)
            {
                throw new InvalidOperationException($"Drained to mode {state.Mode}.");
            }

            return;
        }

        throw new InvalidOperationException("The drain did not finish within 10000 steps.");
    }

    private async Task<string?> CheckAsync()
    {
        Crash("check: fresh activation");
        var state = await CurrentAsync();
        var applied = ((TestData)state.Data!).Applied;
        var statement = applied.Select(e => e.StartsWith("R:", StringComparison.Ordinal) ? e[2..] : e).ToList();
        Note($"final: mode {state.Mode}, pending {state.Pending.Count}, statement [{string.Join(",", applied)}]");
        Result = QueueChecker.Check(_history.Snapshot(), new Dictionary<string, IReadOnlyList<string>> { [TransactionId] = statement });
        if (!Result.IsValid)
        {
            Note(Result.Describe());
            return Report("the checker found problems");
        }

        return state.Pending.IsEmpty && state.Mode == TransactionMode.Normal ? null : Report("not drained");
    }

    private string NewRecoveryId() => "rec-" + (++_recoveries).ToString(CultureInfo.InvariantCulture);

    private static bool IsFault(Exception ex) => ex is InjectedStorageFailureException or InconsistentStateException;

    private static string Short(Exception ex) => ex.GetType().Name + ": " + ex.Message;

    private void Note(string line) => _log.AppendLine(line);

    private string Report(string what) =>
        $"seed {_seed}: {what} (replay with StoreSimulationTests.SeededSchedule_Replays({_seed}))\n{_log}";

    private sealed record Outstanding(IReadOnlyList<TransactionMessage> Messages, IReadOnlyList<QueueHistory.Send> Sends);

    /// <summary>Sums over schedules.</summary>
    internal sealed class Totals
    {
        public long Steps { get; private set; }

        public long Crashes { get; private set; }

        public long BeforeWrite { get; private set; }

        public long AfterWrite { get; private set; }

        public long Reads { get; private set; }

        public long Faults => BeforeWrite + AfterWrite + Reads;

        public long Conflicts { get; private set; }

        public long Sent { get; private set; }

        public long Acked { get; private set; }

        public long Applied { get; private set; }

        public long Lost { get; private set; }

        public long Duplicated { get; private set; }

        public long Reordered { get; private set; }

        public long Unexpected { get; private set; }

        public long Retried { get; private set; }

        public void Add(StoreSimulation run)
        {
            Steps += run.Steps;
            Crashes += run.Crashes;
            BeforeWrite += run.BeforeWrite;
            AfterWrite += run.AfterWrite;
            Reads += run.Reads;
            Conflicts += run.Conflicts;
            if (run.Result is { } r)
            {
                Sent += r.Sent;
                Acked += r.Acknowledged;
                Applied += r.Applied;
                Lost += r.Lost;
                Duplicated += r.Duplicated;
                Reordered += r.Reordered;
                Unexpected += r.Unexpected;
                Retried += r.Retried;
            }
        }
    }
}
