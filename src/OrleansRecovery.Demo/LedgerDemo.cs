using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Ledger;

namespace OrleansRecovery.Demo;

/// <summary>One expected statement line: the effect of one message.</summary>
internal sealed record ExpectedLine(string MessageId, string Kind, long Amount);

/// <summary>What the demo sent to one account and what it therefore expects to find.</summary>
internal sealed class Account(int index, string runId)
{
    public int Index { get; } = index;
    public string Name { get; } = $"acct-{index}";
    public string TransactionId { get; } = $"demo-{runId}-acct-{index}";

    /// <summary>Odd accounts are put into recovery by an operator call; even ones by an external debit whose call timed out.</summary>
    public bool EntersByInDoubtDebit => Index % 2 == 0;

    /// <summary>For in-doubt accounts: whether the system of record says the debit happened (alternating).</summary>
    public bool InDoubtDebitHappened => Index % 4 == 2;

    public List<ExpectedLine> Expected { get; } = [];
    public List<string> Problems { get; } = [];
    public string? RecoveryId { get; set; }
    public int Parked { get; set; }
    public int ExpectedDuplicates { get; set; }
    public int ExpectedRejections { get; set; }
    public int Admitted { get; set; }
    public int ViaStream { get; set; }
    public LedgerData? Statement { get; set; }
    public TransactionStatus? FinalStatus { get; set; }
    public TimeSpan ReplayTime { get; set; }

    public void Problem(string text) => Problems.Add($"{Name}: {text}");
}

/// <summary>
/// Walks ledger accounts through normal → recovering (normal messages parked, from the client SDK and from Azure Queue streams,
/// plus duplicates) → recovery messages → replay → normal, then checks each statement against what was sent.
/// </summary>
internal sealed class LedgerDemo(IClusterClient client, DemoSettings settings)
{
    private const string DebitTimeoutReason = "Demo: the payment provider did not answer; reconcile before acting on this account.";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly TransactionStreamPublisher _publisher = new(client, settings.StreamProviderName);
    private readonly List<Account> _accounts = [];

    public async Task<int> RunAsync()
    {
        var runId = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        for (var i = 1; i <= settings.Accounts; i++)
        {
            _accounts.Add(new Account(i, runId));
        }

        Console.WriteLine($"Accounts: {string.Join(", ", _accounts.Select(a => a.TransactionId))}");
        await NormalOperationAsync();
        await EnterRecoveryAsync();
        await ParkWhileRecoveringAsync();
        await ShowRecoveringStatusAsync();
        await RecoverAsync();
        await WaitForReplayAsync();
        await BackToNormalAsync();
        await CheckAsync();
        return Summarize();
    }

    private async Task NormalOperationAsync()
    {
        Heading("1. Normal operation: messages are applied on arrival (client SDK and stream)");
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Credit("m01", 10_000 + (1_000 * a.Index)), SubmitOutcome.Processed);
            await SdkAsync(a, LedgerMessages.Debit("m02", 2_500), SubmitOutcome.Processed);
        }

        foreach (var a in _accounts)
        {
            await PublishAsync(a, [LedgerMessages.Credit("m03", 300 * a.Index)]);
        }

        await WaitAllAsync("the stream credit m03 is applied", s => s.Counters.Processed >= 3 && s.PendingCount == 0);

        var first = _accounts[0];
        Note($"{first.Name}: a recovery message while the account is Normal is refused, and nothing changes:");
        await SdkAsync(first, LedgerMessages.Adjustment("r00", 1), SubmitOutcome.Rejected, expectedCode: RejectionCode.NotRecovering);
    }

    private async Task EnterRecoveryAsync()
    {
        Heading("2. Entering recovery: an operator call, or an external debit whose outcome is unknown");
        foreach (var a in _accounts)
        {
            if (a.EntersByInDoubtDebit)
            {
                var result = await SdkAsync(a, LedgerMessages.ExternalDebit("m04", 700, timedOut: true), SubmitOutcome.Queued);
                a.RecoveryId = result.StartedRecoveryId;
                if (a.RecoveryId is null)
                {
                    a.Problem("the timed-out external debit did not start a recovery.");
                }

                Line(a, "", "", $"in doubt → recovery {Short(a.RecoveryId)} started; the debit waits for the system of record");
            }
            else
            {
                var info = await client.BeginRecoveryAsync(a.TransactionId, "Demo: outage at the payment provider; reconcile before acting.");
                var again = await client.BeginRecoveryAsync(a.TransactionId, "Demo: the operator pressed the button twice.");
                a.RecoveryId = info.RecoveryId;
                Line(a, "sdk", "", $"BeginRecovery → recovery {Short(info.RecoveryId)}; called again → {Short(again.RecoveryId)} (idempotent)");
                if (again.RecoveryId != info.RecoveryId)
                {
                    a.Problem($"BeginRecovery is not idempotent: {info.RecoveryId} then {again.RecoveryId}.");
                }
            }
        }
    }

    private async Task ParkWhileRecoveringAsync()
    {
        Heading("3. Normal messages keep arriving while recovering: parked durably, answered Queued");
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Credit("m05", 1_000), SubmitOutcome.Queued);
            await SdkAsync(a, LedgerMessages.Debit("m06", 400), SubmitOutcome.Queued);
        }

        foreach (var a in _accounts)
        {
            await PublishAsync(a, [LedgerMessages.Credit("m07", 250), LedgerMessages.Debit("m08", 100)]);
        }

        await WaitAllAsync("the stream batch m07, m08 is parked", s => s.PendingCount >= 4);
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Credit("m09", 50), SubmitOutcome.Queued);
        }

        foreach (var a in _accounts)
        {
            await PublishAsync(a, [LedgerMessages.Debit("m10", 75)]);
        }

        await WaitAllAsync("the stream debit m10 is parked", s => s.PendingCount >= 6);

        Note("Duplicates: a resent message is answered Duplicate and changes nothing (SDK and stream redelivery):");
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Credit("m05", 1_000), SubmitOutcome.Duplicate);
            await SdkAsync(a, LedgerMessages.Credit("m01", 10_000 + (1_000 * a.Index)), SubmitOutcome.Duplicate);
        }

        foreach (var a in _accounts)
        {
            await PublishAsync(a, [LedgerMessages.Credit("m07", 250)], duplicate: true);
        }

        await WaitAllAsync("the republished m07 is answered Duplicate", s => s.Counters.Duplicate >= 3);
    }

    private async Task ShowRecoveringStatusAsync()
    {
        Heading("4. Status while recovering: the parked messages are stored, not applied");
        foreach (var a in _accounts)
        {
            var status = await client.GetStatusAsync(a.TransactionId);
            var data = await client.GetDataAsync<LedgerData>(a.TransactionId);
            Line(a, "status", "", $"mode {status.Mode}, recovery {Short(status.Recovery?.RecoveryId)}, {status.PendingCount} pending " +
                $"(oldest {status.OldestPendingAge?.TotalSeconds:0.0} s), subject {status.Recovery?.Subject?.MessageId ?? "-"}, " +
                $"balance {Money(data?.Balance ?? 0)}, {data?.Statement.Count ?? 0} statement lines");
            Expect(a, status.Mode == TransactionMode.Recovering, $"mode is {status.Mode}, expected Recovering.");
            Expect(a, status.PendingCount == a.Parked, $"{status.PendingCount} pending, expected {a.Parked}.");
            Expect(a, status.Recovery?.RecoveryId == a.RecoveryId, $"recovery is {status.Recovery?.RecoveryId}, expected {a.RecoveryId}.");
            Expect(a, !a.EntersByInDoubtDebit || status.Recovery?.Subject?.MessageId == "m04",
                $"the recovery's subject is {status.Recovery?.Subject?.MessageId ?? "none"}, expected m04.");
            var applied = data?.Statement.Select(l => l.MessageId).ToList() ?? [];
            var expected = a.Expected.Select(l => l.MessageId).ToList();
            Expect(a, applied.SequenceEqual(expected),
                $"while recovering the statement is [{string.Join(", ", applied)}], expected [{string.Join(", ", expected)}] (parked messages must not be applied yet).");
        }
    }

    private async Task RecoverAsync()
    {
        Heading("5. Recovery messages (from the system of record) are applied now; the last one completes recovery");
        foreach (var a in _accounts)
        {
            var amount = a.EntersByInDoubtDebit ? -125 : 80;
            await SdkAsync(a, LedgerMessages.Adjustment("r01", amount, a.RecoveryId), SubmitOutcome.Processed);
        }

        var stale = _accounts[Math.Min(2, _accounts.Count - 1)];
        Note($"{stale.Name}: a recovery message naming another recovery is refused as stale:");
        await SdkAsync(stale, LedgerMessages.Adjustment("r99", 1_000_000, "an-old-recovery"), SubmitOutcome.Rejected,
            expectedCode: RejectionCode.StaleRecovery);

        Note("The completing message and a new normal message travel in one batch: the new message is admitted behind the parked ones.");
        foreach (var a in _accounts)
        {
            var completing = a.EntersByInDoubtDebit
                ? LedgerMessages.Settle("r02", a.InDoubtDebitHappened, a.RecoveryId)
                : LedgerMessages.Reconciled("r02", a.RecoveryId);
            var results = await SdkBatchAsync(a, [completing, LedgerMessages.Credit("m11", 20)],
                [SubmitOutcome.Processed, SubmitOutcome.Queued]);
            if (a.EntersByInDoubtDebit)
            {
                Line(a, "", "", a.InDoubtDebitHappened
                    ? "the system of record says the debit m04 happened: it is posted now, before the parked messages"
                    : "the system of record says the debit m04 did not happen: it is not posted");
            }

            Expect(a, results[0].Reason is not null, "the completing message did not report that recovery completed.");
        }

        _completedAt = Stopwatch.StartNew();
    }

    private async Task WaitForReplayAsync()
    {
        Heading("6. Replay: the parked messages are applied in order, exactly once");
        await WaitAllAsync("replay is finished (mode Normal, nothing pending)",
            s => s.Mode == TransactionMode.Normal && s.PendingCount == 0 && !s.Replaying);
        foreach (var a in _accounts)
        {
            var status = await client.GetStatusAsync(a.TransactionId);
            Line(a, "status", "", $"mode {status.Mode}, {status.PendingCount} pending, replayed {status.Counters.Replayed} " +
                $"(all accounts done {_completedAt?.Elapsed.TotalMilliseconds:0} ms after the last recovery completed)");
        }
    }

    private async Task BackToNormalAsync()
    {
        Heading("7. Back to normal: new messages are applied on arrival again");
        var before = new Dictionary<Account, long>();
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Debit("m12", 10), SubmitOutcome.Processed);
            before[a] = (await client.GetStatusAsync(a.TransactionId)).Counters.Processed;
        }

        foreach (var a in _accounts)
        {
            await PublishAsync(a, [LedgerMessages.Credit("m13", 5)]);
        }

        await WaitAllAsync("the stream credit m13 is applied", (a, s) => s.Counters.Processed >= before[a] + 1 && s.PendingCount == 0);
        foreach (var a in _accounts)
        {
            await SdkAsync(a, LedgerMessages.Credit("m13", 5), SubmitOutcome.Duplicate);
        }
    }

    private async Task CheckAsync()
    {
        Heading("8. Check: each statement against what was sent");
        foreach (var a in _accounts)
        {
            var status = await client.GetStatusAsync(a.TransactionId);
            var data = await client.GetDataAsync<LedgerData>(a.TransactionId);
            a.FinalStatus = status;
            a.Statement = data;
            if (data is null)
            {
                a.Problem("the account has no data.");
                continue;
            }

            var actual = data.Statement;
            var normalSent = a.Expected.Where(e => e.MessageId.StartsWith('m')).Select(e => e.MessageId).ToList();
            foreach (var id in normalSent)
            {
                var count = actual.Count(l => l.MessageId == id);
                Expect(a, count == 1, $"message {id} appears {count} times in the statement, expected exactly once.");
            }

            if (!a.InDoubtDebitHappened && a.EntersByInDoubtDebit)
            {
                Expect(a, actual.All(l => l.MessageId != "m04"), "the in-doubt debit m04 was posted although the system of record said it did not happen.");
            }

            for (var i = 0; i < Math.Max(actual.Count, a.Expected.Count); i++)
            {
                var got = i < actual.Count ? $"{actual[i].MessageId} {actual[i].Amount}" : "(nothing)";
                var want = i < a.Expected.Count ? $"{a.Expected[i].MessageId} {a.Expected[i].Amount}" : "(nothing)";
                if (got != want)
                {
                    a.Problem($"statement line {i + 1} is {got}, expected {want} (order or content differs).");
                    break;
                }
            }

            var running = 0L;
            foreach (var line in actual)
            {
                running += line.Amount;
                if (line.BalanceAfter != running)
                {
                    a.Problem($"after {line.MessageId} the balance is {line.BalanceAfter}, but the lines sum to {running}.");
                    break;
                }
            }

            var expectedBalance = a.Expected.Sum(e => e.Amount);
            Expect(a, data.Balance == expectedBalance, $"balance is {data.Balance}, expected {expectedBalance} (the sum of every expected line).");
            Expect(a, data.Balance == actual.Sum(l => l.Amount), $"balance {data.Balance} differs from the sum of its statement {actual.Sum(l => l.Amount)}.");
            Expect(a, status.Mode == TransactionMode.Normal && status.PendingCount == 0, $"final mode {status.Mode} with {status.PendingCount} pending.");
            Expect(a, status.Counters.Replayed == a.Parked, $"{status.Counters.Replayed} replayed, expected {a.Parked}.");
            Expect(a, status.Counters.Duplicate >= a.ExpectedDuplicates, $"{status.Counters.Duplicate} duplicates counted, expected at least {a.ExpectedDuplicates}.");
            Expect(a, status.Counters.Rejected == a.ExpectedRejections, $"{status.Counters.Rejected} rejections counted, expected {a.ExpectedRejections}.");
            Line(a, "check", "", a.Problems.Count == 0
                ? $"{actual.Count} lines in the expected order, balance {Money(data.Balance)} = sum of lines: OK"
                : $"{a.Problems.Count} discrepancies");
        }
    }

    private int Summarize()
    {
        if ((_accounts.FirstOrDefault(a => a.InDoubtDebitHappened) ?? _accounts[0]) is { Statement: { } example } shown)
        {
            Heading($"Statement of {shown.Name} (effects in the order they were applied)");
            foreach (var line in example.Statement)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {line.MessageId,-4} {line.Kind,-11} {Money(line.Amount),10}   balance {Money(line.BalanceAfter),9}"));
            }
        }


        Heading("Summary");
        Console.WriteLine("  account  entered recovery by      parked  via stream  replayed  dups  rejected  lines   balance  result");
        Console.WriteLine("  -------  -----------------------  ------  ----------  --------  ----  --------  -----  --------  ------");
        foreach (var a in _accounts)
        {
            var s = a.FinalStatus;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {a.Name,-7}  {(a.EntersByInDoubtDebit ? (a.InDoubtDebitHappened ? "in-doubt debit (posted)" : "in-doubt debit (voided)") : "operator call"),-23}  {a.Parked,6}  {a.ViaStream,10}  {s?.Counters.Replayed,8}  {s?.Counters.Duplicate,4}  {s?.Counters.Rejected,8}  {a.Statement?.Statement.Count,5}  {Money(a.Statement?.Balance ?? 0),8}  {(a.Problems.Count == 0 ? "OK" : "FAILED")}"));
        }

        var problems = _accounts.SelectMany(a => a.Problems).ToList();
        var messages = _accounts.Sum(a => a.Admitted);
        Console.WriteLine();
        if (problems.Count > 0)
        {
            Console.WriteLine($"FAILED: {problems.Count} discrepancies:");
            foreach (var p in problems)
            {
                Console.WriteLine("  - " + p);
            }

            return 1;
        }

        Console.WriteLine($"  {_accounts.Sum(a => a.Parked)} messages were parked during recovery and replayed; " +
            $"{_accounts.Sum(a => a.ViaStream)} came through Azure Queue streams; " +
            $"{_accounts.Sum(a => a.ExpectedDuplicates)} duplicates and {_accounts.Sum(a => a.ExpectedRejections)} invalid messages changed nothing.");
        Console.WriteLine($"CHECKED: {_accounts.Count} transactions, {messages} messages, every message applied once, in order");
        return 0;
    }

    private readonly Dictionary<Account, List<ExpectedLine>> _parked = [];

    /// <summary>Submits through the client SDK and records what the statement should show.</summary>
    private async Task<SubmitResult> SdkAsync(Account a, TransactionMessage message, SubmitOutcome? expected,
        RejectionCode expectedCode = RejectionCode.None)
    {
        var result = await client.SubmitAsync(a.TransactionId, message);
        Line(a, "sdk", Describe(message), $"{result.Outcome}{(result.Outcome == SubmitOutcome.Rejected ? $" ({result.Code}): {result.Reason}" : "")}");
        if (expected is { } want && result.Outcome != want)
        {
            a.Problem($"{message.MessageId} was answered {result.Outcome} ({result.Reason}), expected {want}.");
        }

        if (expectedCode != RejectionCode.None && result.Code != expectedCode)
        {
            a.Problem($"{message.MessageId} was rejected with {result.Code}, expected {expectedCode}.");
        }

        Record(a, message, result.Outcome);
        return result;
    }

    /// <summary>Publishes on the transaction's inbound stream. The outcome is observed later through the status.</summary>
    private async Task PublishAsync(Account a, IReadOnlyList<TransactionMessage> messages, bool duplicate = false)
    {
        if (messages.Count == 1)
        {
            await _publisher.PublishAsync(a.TransactionId, messages[0]);
        }
        else
        {
            await _publisher.PublishBatchAsync(a.TransactionId, messages);
        }

        foreach (var message in messages)
        {
            Line(a, "stream", Describe(message), duplicate ? "published again (a redelivery)" : "published");
            if (duplicate)
            {
                a.ExpectedDuplicates++;
                continue;
            }

            a.ViaStream++;
            var recovering = a.RecoveryId is not null && !_completed.Contains(a);
            Record(a, message, recovering ? SubmitOutcome.Queued : SubmitOutcome.Processed);
        }
    }

    private void Record(Account a, TransactionMessage message, SubmitOutcome outcome)
    {
        switch (outcome)
        {
            case SubmitOutcome.Duplicate:
                a.ExpectedDuplicates++;
                return;
            case SubmitOutcome.Rejected:
                a.ExpectedRejections++;
                return;
        }

        a.Admitted++;
        if (message.Kind == MessageKind.Recovery)
        {
            if (message.Type == LedgerMessageTypes.Adjustment)
            {
                a.Expected.Add(new ExpectedLine(message.MessageId, "adjustment", Amount(message)));
            }

            if (message.Type is LedgerMessageTypes.Settle or LedgerMessageTypes.Reconciled)
            {
                if (message.Type == LedgerMessageTypes.Settle && a.InDoubtDebitHappened)
                {
                    a.Expected.Add(new ExpectedLine("m04", "debit", -700));
                }

                // Recovery completed: the parked messages are applied next, in admission order; later ones follow them.
                a.Expected.AddRange(_parked.GetValueOrDefault(a) ?? []);
                _completed.Add(a);
            }

            return;
        }

        if (message.Type == LedgerMessageTypes.ExternalDebit)
        {
            return; // its effect is decided by recovery (settle)
        }

        var line = new ExpectedLine(message.MessageId, message.Type, message.Type == LedgerMessageTypes.Debit ? -Amount(message) : Amount(message));
        if (outcome == SubmitOutcome.Queued)
        {
            a.Parked++;
        }

        if (outcome == SubmitOutcome.Queued && !_completed.Contains(a))
        {
            if (!_parked.TryGetValue(a, out var list))
            {
                _parked[a] = list = [];
            }

            list.Add(line);
        }
        else
        {
            a.Expected.Add(line);
        }
    }

    private readonly HashSet<Account> _completed = [];
    private Stopwatch? _completedAt;

    /// <summary>Submits a batch through the client SDK; the answers come in order, after one write covering all of them.</summary>
    private async Task<IReadOnlyList<SubmitResult>> SdkBatchAsync(Account a, IReadOnlyList<TransactionMessage> messages,
        IReadOnlyList<SubmitOutcome> expected)
    {
        var results = await client.SubmitBatchAsync(a.TransactionId, messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var result = results[i];
            Line(a, i == 0 ? "batch" : "", Describe(messages[i]), $"{result.Outcome}{(result.Reason is { } reason ? $": {reason}" : "")}");
            if (result.Outcome != expected[i])
            {
                a.Problem($"{messages[i].MessageId} was answered {result.Outcome} ({result.Reason}), expected {expected[i]}.");
            }

            Record(a, messages[i], result.Outcome);
        }

        return results;
    }

    private async Task WaitAllAsync(string what, Func<TransactionStatus, bool> condition) =>
        await WaitAllAsync(what, (_, s) => condition(s));

    private async Task WaitAllAsync(string what, Func<Account, TransactionStatus, bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        var waiting = _accounts.ToList();
        TransactionStatus? last = null;
        while (waiting.Count > 0)
        {
            foreach (var a in waiting.ToList())
            {
                last = await client.GetStatusAsync(a.TransactionId);
                if (condition(a, last))
                {
                    waiting.Remove(a);
                }
            }

            if (waiting.Count == 0)
            {
                break;
            }

            if (stopwatch.Elapsed > settings.Timeout)
            {
                foreach (var a in waiting)
                {
                    a.Problem($"timed out after {settings.Timeout.TotalSeconds:0} s waiting until {what} " +
                        $"(mode {last?.Mode}, {last?.PendingCount} pending, counters {last?.Counters}).");
                }

                Console.WriteLine($"  ... gave up waiting until {what} for {string.Join(", ", waiting.Select(a => a.Name))}");
                return;
            }

            await Task.Delay(Poll);
        }

        Console.WriteLine($"  ... {what}: all {_accounts.Count} accounts after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
    }

    private static void Expect(Account a, bool condition, string problem)
    {
        if (!condition)
        {
            a.Problem(problem);
        }
    }

    private static long Amount(TransactionMessage message)
    {
        using var json = System.Text.Json.JsonDocument.Parse(message.Payload);
        return json.RootElement.GetProperty("amount").GetInt64();
    }

    private static string Describe(TransactionMessage m) => m.Type switch
    {
        LedgerMessageTypes.Credit => $"{m.MessageId} credit {Money(Amount(m))}",
        LedgerMessageTypes.Debit => $"{m.MessageId} debit {Money(-Amount(m))}",
        LedgerMessageTypes.ExternalDebit => $"{m.MessageId} external-debit {Money(-Amount(m))} (call timed out)",
        LedgerMessageTypes.Adjustment => $"{m.MessageId} adjustment {Money(Amount(m))}",
        _ => $"{m.MessageId} {m.Type}",
    };

    private static string Money(long cents) =>
        (cents < 0 ? "-" : "+") + (Math.Abs(cents) / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Short(string? id) => id is null ? "(none)" : id.Length > 8 ? id[..8] : id;

    private static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text}");
    }

    private static void Note(string text) => Console.WriteLine($"  {text}");

    private static void Line(Account a, string via, string message, string outcome) =>
        Console.WriteLine($"  {a.Name,-7} {via,-6} {message,-36} {(message.Length > 0 ? "→ " : "")}{outcome}");
}
