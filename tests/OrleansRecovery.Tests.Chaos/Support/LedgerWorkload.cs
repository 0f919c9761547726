using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing.Checking;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>Counts of calls and failed attempts, so each kill round can report what it cost.</summary>
internal sealed class CallStats
{
    private long _calls;
    private long _failedAttempts;
    private long _maxLatencyTicks;
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);

    public long Calls => Interlocked.Read(ref _calls);

    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    public TimeSpan MaxLatency => TimeSpan.FromTicks(Interlocked.Read(ref _maxLatencyTicks));

    public void Succeeded(TimeSpan latency)
    {
        Interlocked.Increment(ref _calls);
        long current;
        while (latency.Ticks > (current = Interlocked.Read(ref _maxLatencyTicks))
               && Interlocked.CompareExchange(ref _maxLatencyTicks, latency.Ticks, current) != current)
        {
        }
    }

    public void Failed(Exception ex)
    {
        Interlocked.Increment(ref _failedAttempts);
        _errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
    }

    /// <summary>
    /// Calls until answered, retrying any exception but a bad argument (and those <paramref name="final"/> names) with the same
    /// arguments after a pause that doubles up to 2 s, for at most <paramref name="deadline"/>; every attempt is counted here.
    /// </summary>
    public async Task<T> UntilAnsweredAsync<T>(Func<Task<T>> call, TimeSpan deadline, string what, Action? onRetry = null,
        Func<Exception, bool>? final = null)
    {
        var clock = Stopwatch.StartNew();
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var attempt = Stopwatch.StartNew();
            try
            {
                var result = await call();
                Succeeded(attempt.Elapsed);
                return result;
            }
            catch (Exception ex) when (ex is not ArgumentException && final?.Invoke(ex) != true)
            {
                Failed(ex);
                if (clock.Elapsed > deadline)
                {
                    throw new TimeoutException($"{what}: a call kept failing for {clock.Elapsed}; last error {ex.GetType().Name}: {ex.Message}", ex);
                }

                await Task.Delay(backoff);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2_000));
                onRetry?.Invoke();
            }
        }
    }

    public TimeSpan TakeMaxLatency() => TimeSpan.FromTicks(Interlocked.Exchange(ref _maxLatencyTicks, 0));

    public string DescribeErrors() => _errors.IsEmpty ? "none"
        : string.Join(", ", _errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} x{e.Value}"));
}

/// <summary>
/// Drives one transaction (one sequential sender) through cycles of: normal messages (client SDK and stream) → recovery entered by
/// an operator call or by an external debit that timed out → normal messages parked (single, batch and stream) interleaved with a
/// recovery adjustment → recovery completed (reconciled, or the in-doubt debit settled either way) → more normal messages while
/// the parked ones replay. Every call that fails is retried with the same message id until it is answered; every send and final
/// answer is recorded in the shared <see cref="QueueHistory"/>.
/// </summary>
internal sealed class TransactionDriver(
    int index, string transactionPrefix, IClusterClient client, TransactionStreamPublisher publisher, QueueHistory history,
    CallStats stats, ChaosSettings settings, ConcurrentQueue<string> problems)
{
    private readonly List<string> _transactions = [];

    /// <summary>The transaction being driven. After <see cref="ChaosSettings.MaxCyclesPerTransaction"/> cycles the driver moves on
    /// to a fresh one, so message ids stay well inside the dedup window however long the run.</summary>
    public string TransactionId { get; private set; } = string.Empty;

    /// <summary>Every transaction this driver used.</summary>
    public IReadOnlyList<string> Transactions => _transactions;

    public int Cycles { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        // Stagger the senders so their cycles do not move in lockstep.
        await Task.Delay(TimeSpan.FromMilliseconds(37 * index % 500), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            var cycle = Cycles % settings.MaxCyclesPerTransaction;
            if (cycle == 0)
            {
                TransactionId = string.Create(CultureInfo.InvariantCulture, $"{transactionPrefix}-g{_transactions.Count}");
                _transactions.Add(TransactionId);
            }

            await CycleAsync(cycle);
            Cycles++;
        }
    }

    private async Task CycleAsync(int c)
    {
        string Id(string name) => string.Create(CultureInfo.InvariantCulture, $"c{c:D3}-{name}");
        var amount = 100 + (index * 7) + c;

        await SubmitAsync(LedgerMessages.Credit(Id("n1"), amount));
        await PublishAsync(LedgerMessages.Credit(Id("s1"), amount + 1));

        // Enter recovery: an operator call, or an external debit whose outcome is unknown (settled one way or the other).
        var byInDoubtDebit = (index + c) % 2 == 1;
        var settleApplied = (index + c) % 4 == 1;
        if (byInDoubtDebit)
        {
            await SubmitAsync(LedgerMessages.ExternalDebit(Id("x1"), 50, timedOut: true), expectEffect: settleApplied);
        }
        else
        {
            await CallAsync(() => client.BeginRecoveryAsync(TransactionId, $"chaos cycle {c}"));
        }

        var recoveryId = await WaitForRecoveryAsync(c);
        await SubmitAsync(LedgerMessages.Credit(Id("p1"), 10));
        await PublishAsync(LedgerMessages.Credit(Id("s2"), 11), LedgerMessages.Debit(Id("s3"), 3));
        await SubmitAsync(LedgerMessages.Debit(Id("p2"), 4));
        await SubmitBatchAsync(LedgerMessages.Credit(Id("b1"), 12), LedgerMessages.Debit(Id("b2"), 5));
        await SubmitAsync(LedgerMessages.Adjustment(Id("r1"), (c % 3) - 1 == 0 ? 2 : (c % 3) - 1, recoveryId));
        await SubmitAsync(LedgerMessages.Credit(Id("p3"), 13));
        await PublishAsync(LedgerMessages.Credit(Id("s4"), 14));

        // Complete recovery; the completing message has no statement line of its own (a settled debit shows under its own id).
        var complete = byInDoubtDebit
            ? LedgerMessages.Settle(Id("done"), settleApplied, recoveryId)
            : LedgerMessages.Reconciled(Id("done"), recoveryId);
        await SubmitAsync(complete, expectEffect: false);

        // Normal messages while the parked ones replay: behind them, in order.
        await SubmitAsync(LedgerMessages.Credit(Id("a1"), 15));
        await PublishAsync(LedgerMessages.Credit(Id("s5"), 16));
        await SubmitAsync(LedgerMessages.Debit(Id("a2"), 6));
    }

    private async Task<string> WaitForRecoveryAsync(int cycle)
    {
        // An external debit parked behind a replay starts its recovery only when the replay reaches it.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await CallAsync(() => client.GetStatusAsync(TransactionId));
            if (status is { Mode: TransactionMode.Recovering, Recovery: { } recovery })
            {
                return recovery.RecoveryId;
            }

            if (clock.Elapsed > settings.CallDeadline)
            {
                throw new TimeoutException($"{TransactionId} cycle {cycle}: not recovering after {clock.Elapsed}; status {status}.");
            }

            await Task.Delay(50);
        }
    }

    private async Task SubmitAsync(TransactionMessage message, bool expectEffect = true)
    {
        var send = history.Begin(TransactionId, message.MessageId, message.Kind, "sdk", expectEffect);
        var result = await CallAsync(() => client.SubmitAsync(TransactionId, message), send.Retry);
        send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
        Check(message, result);
        await Task.Delay(settings.StepDelay);
    }

    private async Task SubmitBatchAsync(params TransactionMessage[] messages)
    {
        var sends = messages.Select(m => history.Begin(TransactionId, m.MessageId, m.Kind, "sdk-batch")).ToList();
        var results = await CallAsync(() => client.SubmitBatchAsync(TransactionId, messages), () => sends.ForEach(s => s.Retry()));
        for (var i = 0; i < messages.Length; i++)
        {
            sends[i].Acknowledge(AckOutcomes.FromSubmitOutcome(results[i].Outcome));
            Check(messages[i], results[i]);
        }

        await Task.Delay(settings.StepDelay);
    }

    private async Task PublishAsync(params TransactionMessage[] messages)
    {
        var sends = messages.Select(m => history.Begin(TransactionId, m.MessageId, m.Kind, "stream")).ToList();
        await CallAsync(async () =>
        {
            if (messages.Length == 1)
            {
                await publisher.PublishAsync(TransactionId, messages[0]);
            }
            else
            {
                await publisher.PublishBatchAsync(TransactionId, messages);
            }

            return true;
        }, () => sends.ForEach(s => s.Retry()));
        sends.ForEach(s => s.Acknowledge(AckOutcome.Published));
        await Task.Delay(settings.StepDelay);
    }

    private void Check(TransactionMessage message, SubmitResult result)
    {
        if (result.Outcome == SubmitOutcome.Rejected)
        {
            problems.Enqueue($"{TransactionId}/{message.MessageId} ({message.Kind} {message.Type}) was rejected: {result.Code}: {result.Reason}");
        }
    }

    /// <summary>Calls until answered (any exception is a failed attempt), for at most <see cref="ChaosSettings.CallDeadline"/>.</summary>
    private Task<T> CallAsync<T>(Func<Task<T>> call, Action? onRetry = null) =>
        stats.UntilAnsweredAsync(call, settings.CallDeadline, TransactionId, onRetry);
}
