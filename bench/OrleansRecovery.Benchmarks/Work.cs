using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Ledger;

namespace OrleansRecovery.Benchmarks;

/// <summary>Message factory and a concurrent driver.</summary>
public static class Work
{
    private static readonly string Memo = new('m', 160);

    /// <summary>A ~200-byte ledger credit (amount 1 and a memo the ledger ignores).</summary>
    public static TransactionMessage Credit(string messageId) =>
        TransactionMessage.Normal(messageId, LedgerMessageTypes.Credit,
            string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":1,\"memo\":\"{Memo}\"}}"));

    /// <summary>
    /// Runs <paramref name="count"/> work items with <paramref name="concurrency"/> workers pulling the next index. Stops handing out
    /// items after <paramref name="budget"/> (if given). Returns the items completed and the elapsed time.
    /// </summary>
    public static async Task<(int Done, TimeSpan Elapsed)> RunAsync(int count, int concurrency, Func<int, Task> item,
        TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var next = -1;
        var done = 0;
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            while (true)
            {
                if (budget is { } b && clock.Elapsed > b)
                {
                    return;
                }

                var index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                await item(index);
                Interlocked.Increment(ref done);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(Worker)));
        return (done, clock.Elapsed);
    }

    /// <summary>
    /// Makes <paramref name="call"/>, and makes it again while it fails with an exception <paramref name="isLost"/> accepts (a call
    /// lost to an overloaded machine: its answer never came) until <paramref name="resendFor"/> has passed since the first attempt;
    /// then the last such exception propagates. Only for calls that are safe to repeat: the engine answers a repeated message id
    /// <c>Duplicate</c>, so a resent message is applied once. <paramref name="onLost"/> runs once per lost attempt.
    /// </summary>
    public static async Task<T> ResendWhileLostAsync<T>(Func<Task<T>> call, Func<Exception, bool> isLost, TimeSpan resendFor,
        Action? onLost = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(isLost);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (isLost(ex) && clock.Elapsed < resendFor)
            {
                onLost?.Invoke();
            }
        }
    }

    /// <summary>Items per second.</summary>
    public static double Rate(int done, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;

    /// <summary>The value at quantile <paramref name="q"/> (0..1) of <paramref name="values"/> (nearest rank).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
