using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// Random schedules of submits, duplicates, retries, recoveries, replays and crashes (before the write, between the records of
/// a write, after the write but before the answer) against simulated storage, checked against a reference model: every normal
/// message admitted durably is applied exactly once, in admission order, and nothing else is applied.
/// </summary>
public sealed class ModelBasedScheduleTests(ITestOutputHelper output)
{
    private const int Seeds = 1_000;

    [Fact]
    public void RandomSchedules_SingleMessageSubmits_ApplyEveryDurablyAdmittedMessageOnceInAdmissionOrder() =>
        RunAllSeeds(groupCommits: false);

    [Fact]
    public void RandomSchedules_WithGroupCommitBatches_ApplyEveryDurablyAdmittedMessageOnceInAdmissionOrder() =>
        RunAllSeeds(groupCommits: true);

    /// <summary>Replays one schedule; put a failing seed here to debug it.</summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(123, false)]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(610, true)] // header written, segment lost: see Load_AfterCrashBetweenHeaderAndSegmentOfOneGroupCommit_...
    public void RandomSchedule_FixedSeed_HoldsTheModel(int seed, bool groupCommits)
    {
        var failure = ScheduleRun.Run(seed, groupCommits);

        Assert.True(failure is null, failure);
    }

    private void RunAllSeeds(bool groupCommits)
    {
        var failures = new List<(int Seed, string Report)>();
        var coverage = new ScheduleCoverage();
        for (var seed = 1; seed <= Seeds; seed++)
        {
            if (ScheduleRun.Run(seed, groupCommits, coverage) is { } report)
            {
                failures.Add((seed, report));
            }
        }

        output.WriteLine($"{Seeds} schedules, {failures.Count} failing. Coverage: {coverage}");

        // The schedules must actually reach the situations the model is about, or passing means little.
        string[] expected =
        [
            "crash before write", "crash before answer", "client retry", "duplicate answered", "restart",
            "in-doubt on arrival", "in-doubt during replay", "replay spanning batches", "garbage listed", "segment rolled over",
            "parked while recovering", "parked behind pending in Normal mode",
            .. groupCommits ? ["crash between records"] : Array.Empty<string>(),
        ];
        var missing = expected.Where(e => coverage.Count(e) < 20).ToList();
        Assert.True(missing.Count == 0, $"Schedules rarely reach: {string.Join(", ", missing)}. Coverage: {coverage}");

        if (failures.Count > 0)
        {
            var shortest = failures.MinBy(f => f.Report.Length);
            var kinds = failures
                .GroupBy(f => Kind(f.Report))
                .OrderByDescending(g => g.Count())
                .Select(g => $"  {g.Count()} × {g.Key}");
            Assert.Fail(
                $"{failures.Count} of {Seeds} schedules (groupCommits={groupCommits}) broke the model; seeds: "
                + string.Join(", ", failures.Take(30).Select(f => f.Seed)) + (failures.Count > 30 ? ", …" : string.Empty)
                + "\nViolations by kind:\n" + string.Join("\n", kinds)
                + $"\nShortest failing schedule (replay with RandomSchedule_FixedSeed_HoldsTheModel({shortest.Seed}, {groupCommits.ToString().ToLowerInvariant()})):\n"
                + shortest.Report);
        }
    }

    /// <summary>A violation's kind: its message with ids and numbers blanked out.</summary>
    private static string Kind(string report)
    {
        var at = report.LastIndexOf("\nVIOLATION", StringComparison.Ordinal);
        if (at < 0)
        {
            at = Math.Max(0, report.LastIndexOf("\nEXCEPTION", StringComparison.Ordinal));
        }

        var line = report[at..].Trim();
        line = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('\n')[0];
        line = Regex.Replace(line, @"'[^']*'|\d+", "#").Trim();
        return line.Length > 100 ? line[..100] : line;
    }
}

/// <summary>One seeded schedule and its reference model.</summary>
internal sealed class ScheduleRun
{
    private enum Fate
    {
        /// <summary>Written, adopted and answered.</summary>
        Answered,

        /// <summary>Crash before the write: nothing stored, no answer.</summary>
        Discarded,

        /// <summary>Crash between the records of the write: a prefix stored (grain order), no answer.</summary>
        Partial,

        /// <summary>Crash after the write, before the answer: all stored, no answer.</summary>
        DurableUnanswered,
    }

    private readonly record struct Attempt(long Order, Fate Fate, SubmitOutcome Outcome);

    private readonly Random _rng;
    private readonly bool _groupCommits;
    private readonly RecoveryStateMachine _machine;
    private readonly SimulatedStorage _storage = new();
    private readonly StringBuilder _log = new();
    private readonly List<TransactionMessage> _sentNormals = [];
    private readonly List<TransactionMessage> _sentRecoveries = [];
    private readonly Dictionary<string, TransactionMessage> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Attempt>> _attempts = new(StringComparer.Ordinal);
    private readonly List<TransactionMessage> _unanswered = [];
    private TransactionState _state;
    private ScheduleCoverage _coverage = new();
    private long _order;
    private int _nextNormal;
    private int _nextRecoveryMessage;
    private int _nextRecovery;
    private int _step;

    private ScheduleRun(int seed, bool groupCommits)
    {
        _rng = new Random(seed);
        _groupCommits = groupCommits;
        var limits = new RecoveryLimits
        {
            SegmentMaxEntries = _rng.Next(3, 6),
            ReplayBatchSize = _rng.Next(1, 5),
            DedupWindow = 10_000,
            MaxPendingEntries = 10_000,
        };
        _machine = new RecoveryStateMachine(new CountingLogic(), limits);
        _state = _storage.Load(_machine, Harness.TransactionId);
        _log.Append(CultureInfo.InvariantCulture,
            $"seed={seed} groupCommits={groupCommits} SegmentMaxEntries={limits.SegmentMaxEntries} ReplayBatchSize={limits.ReplayBatchSize}\n");
    }

    /// <summary>Runs the schedule; returns null when the model holds, otherwise the seed, the step log and what broke.</summary>
    public static string? Run(int seed, bool groupCommits, ScheduleCoverage? coverage = null)
    {
        var run = new ScheduleRun(seed, groupCommits) { _coverage = coverage ?? new ScheduleCoverage() };
        try
        {
            run.Schedule();
            run.Drain();
            run.CheckFinal();
            return null;
        }
        catch (ModelViolation ex)
        {
            return $"{run._log}\nVIOLATION (seed {seed}): {ex.Message}";
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return $"{run._log}\nEXCEPTION (seed {seed}): {ex}";
        }
    }

    private TestData Data => (TestData)_state.Data!;

    private void Schedule()
    {
        var steps = _rng.Next(30, 120);
        for (_step = 1; _step <= steps; _step++)
        {
            var roll = _rng.Next(100);
            switch (roll)
            {
                case < 35:
                    SubmitOne(NewNormal(), "new normal");
                    break;
                case < 43 when _sentNormals.Count > 0:
                    SubmitOne(_sentNormals[_rng.Next(_sentNormals.Count)], "resend normal");
                    break;
                case < 55:
                    SubmitOne(NewRecovery(), "new recovery");
                    break;
                case < 58 when _sentRecoveries.Count > 0:
                    SubmitOne(_sentRecoveries[_rng.Next(_sentRecoveries.Count)], "resend recovery");
                    break;
                case < 63:
                    var recoveryId = "rec-" + (++_nextRecovery).ToString(CultureInfo.InvariantCulture);
                    Execute("begin recovery", [], _machine.BeginRecovery(_state, Harness.TransactionId, "operator", Harness.Now, recoveryId));
                    break;
                case < 78 when _state.ReplayDue:
                    Execute("replay batch", [], _machine.ReplayBatch(_state, Harness.Now, NewRecoveryId));
                    break;
                case < 86 when _unanswered.Count > 0:
                    var index = _rng.Next(_unanswered.Count);
                    var retry = _unanswered[index];
                    _unanswered.RemoveAt(index);
                    SubmitOne(retry, "client retry");
                    break;
                case < 92:
                    Restart();
                    break;
                case >= 92 when _groupCommits:
                    var batch = Enumerable.Range(0, _rng.Next(2, 5))
                        .Select(_ => _rng.Next(3) == 0 ? NewRecovery() : NewNormal())
                        .ToList();
                    Submit(batch, "group commit");
                    break;
                default:
                    SubmitOne(NewNormal(), "new normal");
                    break;
            }
        }
    }

    /// <summary>The client retries what was never answered; recovery is completed and the log replayed to the end.</summary>
    private void Drain()
    {
        _log.Append("-- drain --\n");
        foreach (var message in _unanswered.ToList())
        {
            _unanswered.Remove(message);
            Submit([message], "final retry", crashes: false);
        }

        for (var i = 0; ; i++)
        {
            if (i > 5_000)
            {
                throw new ModelViolation(
                    $"Recovery and replay did not finish within 5,000 steps (mode {_state.Mode}, pending count {_state.Pending.Count}, "
                    + $"stored entries {_state.Pending.Unapplied(int.MaxValue).Count()}).");
            }

            _step++;
            if (_state.Mode == TransactionMode.Recovering)
            {
                Submit([NewRecovery("done")], "complete recovery", crashes: false);
            }
            else if (_state.ReplayDue)
            {
                Execute("replay batch", [], _machine.ReplayBatch(_state, Harness.Now, NewRecoveryId), crashes: false);
            }
            else
            {
                break;
            }
        }

        Restart();
    }

    private void CheckFinal()
    {
        var applied = Data.Applied;
        _log.Append(CultureInfo.InvariantCulture, $"final applied: {string.Join(",", applied)}\n");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long lastOrder = -1;
        string? lastId = null;
        foreach (var entry in applied)
        {
            if (!seen.Add(entry))
            {
                throw new ModelViolation($"'{entry}' was applied twice.");
            }

            var id = entry.StartsWith("R:", StringComparison.Ordinal) ? entry[2..] : entry;
            if (!_messages.TryGetValue(id, out var message))
            {
                throw new ModelViolation($"'{entry}' was applied but never sent.");
            }

            if (entry.StartsWith("R:", StringComparison.Ordinal) != (message.Kind == MessageKind.Recovery))
            {
                throw new ModelViolation($"'{entry}' was applied as the wrong kind.");
            }

            if (message.Type == "bad")
            {
                throw new ModelViolation($"'{entry}' is a message the logic rejects, yet it was applied.");
            }

            var attempts = _attempts.GetValueOrDefault(id) ?? [];
            var stuck = attempts.LastOrDefault(a => a.Fate != Fate.Discarded && a.Outcome != SubmitOutcome.Rejected);
            if (stuck == default)
            {
                throw new ModelViolation($"'{entry}' was applied though no admission of it was ever written.");
            }

            if (message.Kind == MessageKind.Normal)
            {
                if (stuck.Order <= lastOrder)
                {
                    throw new ModelViolation(
                        $"'{id}' (admitted at #{stuck.Order}) was applied after '{lastId}' (admitted at #{lastOrder}): not admission order.");
                }

                lastOrder = stuck.Order;
                lastId = id;
            }
        }

        foreach (var (id, attempts) in _attempts)
        {
            var message = _messages[id];
            var durable = attempts.Any(a => a.Fate is Fate.Answered or Fate.DurableUnanswered
                && a.Outcome is SubmitOutcome.Processed or SubmitOutcome.Queued);
            var entry = message.Kind == MessageKind.Recovery ? "R:" + id : id;
            if (durable && message.Type != "bad" && !seen.Contains(entry))
            {
                throw new ModelViolation(
                    $"'{id}' ({message.Kind} {message.Type}) was admitted durably ({string.Join(", ", attempts)}) but never applied.");
            }
        }
    }

    private void SubmitOne(TransactionMessage message, string action)
    {
        var before = _state;
        var results = Submit([message], action);
        var outcome = results[0].Outcome;
        if (message.Kind == MessageKind.Normal && before.Mode == TransactionMode.Recovering && outcome == SubmitOutcome.Processed)
        {
            throw new ModelViolation($"Normal message '{message.MessageId}' was processed while recovering (P2).");
        }

        if (message.Kind == MessageKind.Normal && !before.Pending.IsEmpty && outcome == SubmitOutcome.Processed)
        {
            throw new ModelViolation($"Normal message '{message.MessageId}' was processed ahead of pending entries (P6).");
        }

        if (message.Kind == MessageKind.Recovery && before.Mode == TransactionMode.Normal && outcome != SubmitOutcome.Duplicate
            && results[0].Code != RejectionCode.NotRecovering)
        {
            throw new ModelViolation($"Recovery message '{message.MessageId}' was answered {outcome} while Normal (P9).");
        }
    }

    private IReadOnlyList<SubmitResult> Submit(List<TransactionMessage> messages, string action, bool crashes = true)
    {
        var transition = _machine.Submit(_state, Harness.TransactionId, [.. messages], Harness.Now, NewRecoveryId);
        Execute(action, messages, transition, crashes);
        return transition.Results;
    }

    private void Execute(string action, List<TransactionMessage> messages, Transition transition, bool crashes = true)
    {
        var records = transition.Writes.RecordCount;
        var roll = crashes ? _rng.Next(100) : 99;
        var fate = roll switch
        {
            < 8 => Fate.Discarded,
            < 14 when records >= 2 => Fate.Partial,
            < 20 => Fate.DurableUnanswered,
            _ => Fate.Answered,
        };

        var written = fate switch
        {
            Fate.Discarded => 0,
            Fate.Partial => _rng.Next(1, records),
            _ => records,
        };
        var plan = SimulatedStorage.PlanWrites(transition);
        _log.Append(
            $"#{_step} {action}: {string.Join(" ", messages.Select(Describe))}"
            + $" -> [{string.Join(" ", transition.Results.Select(r => r.Outcome + (r.Code == RejectionCode.None ? string.Empty : "/" + r.Code)))}]"
            + $" replayed={transition.Replayed} writes=[{string.Join(",", plan.Select(p => p.Name))}] {fate}"
            + (fate == Fate.Partial ? $"({written} of {records})" : string.Empty));

        for (var i = 0; i < messages.Count; i++)
        {
            Record(messages[i], transition.Results[i], fate);
        }

        Observe(action, transition, fate);

        _storage.Store(transition, written);
        if (fate == Fate.Answered)
        {
            if (_rng.Next(10) < 7)
            {
                _storage.ClearGarbage(transition.Writes);
            }

            _state = transition.State;
        }
        else
        {
            _unanswered.AddRange(messages);
            _state = _storage.Load(_machine, Harness.TransactionId);
            CheckConsistent(_state, "reloaded after the crash");
            if (fate == Fate.DurableUnanswered)
            {
                CheckSame(transition.State, _state, "the fully written state");
            }
        }

        _log.Append(CultureInfo.InvariantCulture,
            $" => mode={_state.Mode} pending={_state.Pending.Count} replayPos={_state.Pending.ReplayPosition} applied={Data.Applied.Count}\n");
    }

    private void Record(TransactionMessage message, SubmitResult result, Fate fate)
    {
        var id = message.MessageId;
        var attempts = _attempts.TryGetValue(id, out var list) ? list : _attempts[id] = [];
        var admitted = result.Outcome is SubmitOutcome.Processed or SubmitOutcome.Queued;
        if (admitted && attempts.Any(a => a.Fate is Fate.Answered or Fate.DurableUnanswered
            && a.Outcome is SubmitOutcome.Processed or SubmitOutcome.Queued))
        {
            throw new ModelViolation($"'{id}' was admitted again ({result.Outcome}) after a durable admission: {string.Join(", ", attempts)}.");
        }

        if (result.Outcome == SubmitOutcome.Duplicate
            && !attempts.Any(a => a.Fate != Fate.Discarded && a.Outcome is SubmitOutcome.Processed or SubmitOutcome.Queued))
        {
            throw new ModelViolation($"'{id}' was answered Duplicate though no admission of it was ever written.");
        }

        if (admitted || result.Outcome == SubmitOutcome.Rejected)
        {
            attempts.Add(new Attempt(++_order, fate, result.Outcome));
        }
    }

    private void Observe(string action, Transition transition, Fate fate)
    {
        _coverage.Hit(fate switch
        {
            Fate.Discarded => "crash before write",
            Fate.Partial => "crash between records",
            Fate.DurableUnanswered => "crash before answer",
            _ => "answered",
        });
        if (action.Contains("retry", StringComparison.Ordinal))
        {
            _coverage.Hit("client retry");
        }

        if (transition.Results.Any(r => r.Outcome == SubmitOutcome.Duplicate))
        {
            _coverage.Hit("duplicate answered");
        }

        if (transition.Replayed > 0 && transition.StartedRecovery is not null)
        {
            _coverage.Hit("in-doubt during replay");
        }
        else if (transition.StartedRecovery is not null && transition.Results.Any(r => r.StartedRecoveryId is not null))
        {
            _coverage.Hit("in-doubt on arrival");
        }

        if (transition.Replayed > 0 && transition.State.ReplayDue)
        {
            _coverage.Hit("replay spanning batches");
        }

        if (!transition.Writes.Garbage.IsEmpty)
        {
            _coverage.Hit("garbage listed");
        }

        if (transition.Writes.Segments.Any(i => i > 0))
        {
            _coverage.Hit("segment rolled over");
        }

        if (transition.Results.Any(r => r.Outcome == SubmitOutcome.Queued && r.StartedRecoveryId is null))
        {
            _coverage.Hit(_state.Mode == TransactionMode.Recovering ? "parked while recovering" : "parked behind pending in Normal mode");
        }
    }

    /// <summary>A new activation: the state is read back from storage and must equal the adopted one.</summary>
    private void Restart()
    {
        var reloaded = _storage.Load(_machine, Harness.TransactionId);
        CheckConsistent(reloaded, "reloaded on restart");
        CheckSame(_state, reloaded, "the adopted state");
        _log.Append(CultureInfo.InvariantCulture, $"#{_step} restart (reload matches)\n");
        _coverage.Hit("restart");
        _state = reloaded;
    }

    private static void CheckConsistent(TransactionState state, string what)
    {
        var stored = state.Pending.Unapplied(int.MaxValue).ToList();
        if (stored.Count != state.Pending.Count)
        {
            throw new ModelViolation(
                $"State {what} counts {state.Pending.Count} pending entries (ReplayPosition {state.Pending.ReplayPosition}, "
                + $"NextSequence {state.Pending.NextSequence}) but its segments hold {stored.Count}: "
                + string.Join(",", stored.Select(e => $"{e.Sequence}:{e.Message.MessageId}")));
        }
    }

    private static void CheckSame(TransactionState expected, TransactionState actual, string what)
    {
        var a = Fingerprint(expected);
        var b = Fingerprint(actual);
        if (!string.Equals(a, b, StringComparison.Ordinal))
        {
            throw new ModelViolation($"State read back from storage differs from {what} (P1):\n  expected {a}\n  actual   {b}");
        }
    }

    private static string Fingerprint(TransactionState s) =>
        string.Join(" | ",
            s.Mode, s.Recovery?.RecoveryId, s.Recovery?.Subject?.MessageId,
            "data=" + string.Join(",", ((TestData)s.Data!).Applied),
            "admitted=" + string.Join(",", s.Admitted.ToArray()),
            "pending=" + string.Join(",", s.Pending.Unapplied(int.MaxValue).Select(e => $"{e.Sequence}:{e.Message.MessageId}")),
            $"pos={s.Pending.ReplayPosition} next={s.Pending.NextSequence} segs={s.Pending.FirstSegment}..{s.Pending.NextSegment}",
            $"bytes={s.Pending.Bytes} ids={s.Pending.Ids.Count}");

    private TransactionMessage NewNormal()
    {
        var roll = _rng.Next(100);
        var type = roll < 85 ? "apply" : roll < 95 ? "in-doubt" : "bad";
        var message = Harness.Normal("n" + (++_nextNormal).ToString(CultureInfo.InvariantCulture), type);
        _sentNormals.Add(message);
        _messages[message.MessageId] = message;
        return message;
    }

    private TransactionMessage NewRecovery(string? type = null)
    {
        type ??= _rng.Next(100) < 65 ? "fix" : "done";
        var message = Harness.Recovery("r" + (++_nextRecoveryMessage).ToString(CultureInfo.InvariantCulture), type);
        _sentRecoveries.Add(message);
        _messages[message.MessageId] = message;
        return message;
    }

    private string NewRecoveryId() => "rec-" + (++_nextRecovery).ToString(CultureInfo.InvariantCulture);

    private static string Describe(TransactionMessage m) => $"{m.MessageId}({m.Type})";

    private sealed class ModelViolation(string message) : Exception(message);
}

/// <summary>How often schedules reached each situation.</summary>
internal sealed class ScheduleCoverage
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Hit(string situation) => _counts[situation] = Count(situation) + 1;

    public int Count(string situation) => _counts.GetValueOrDefault(situation);

    public override string ToString() => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
}
