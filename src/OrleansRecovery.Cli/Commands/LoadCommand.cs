using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>load --transactions N --messages M --concurrency C [--batch-size B]</c>: a bounded load generator. Sends M normal messages to
/// each of N new transactions (ids <c>{prefix}-{i}</c>) from C concurrent callers, with a progress bar, then prints throughput,
/// call latency and outcomes. The default message is a ledger credit of 1 cent, so every transaction's balance equals its
/// message count afterwards. With more callers than transactions, one transaction gets concurrent submissions (group commit).
/// </summary>
internal static class LoadCommand
{
    public static Command Create(CliContext context)
    {
        var transactions = new Option<int>("--transactions") { Description = "How many transactions", DefaultValueFactory = _ => 10 };
        var messages = new Option<int>("--messages") { Description = "Messages per transaction", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent callers", DefaultValueFactory = _ => 8 };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Messages per call (1: SubmitAsync; more: SubmitBatchAsync)",
            DefaultValueFactory = _ => 1,
        };
        var prefix = new Option<string?>("--prefix") { Description = "Transaction id prefix [default: load-{UTC time}]" };
        var type = new Option<string>("--type") { Description = "Message type", DefaultValueFactory = _ => "credit" };
        var payload = new Option<string>("--payload") { Description = "Message payload", DefaultValueFactory = _ => "{\"amount\":1}" };
        var command = new Command("load", "Generate load: M messages to each of N transactions from C concurrent callers; prints msg/s")
        {
            transactions, messages, concurrency, batchSize, prefix, type, payload,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, token) =>
        {
            var n = Positive(parse, transactions, 1_000_000);
            var m = Positive(parse, messages, 10_000_000);
            var c = Positive(parse, concurrency, 10_000);
            var b = Positive(parse, batchSize, 10_000);
            var idPrefix = parse.GetValue(prefix) ?? "load-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            var messageType = parse.GetRequiredValue(type);
            var messagePayload = parse.GetRequiredValue(payload);
            long total = (long)n * m;

            // Work items chunk-major: every transaction's first batch, then every second batch, … so all transactions progress together.
            var chunks = (m + b - 1) / b;
            var work = Enumerable.Range(0, chunks).SelectMany(k => Enumerable.Range(1, n).Select(i => (Transaction: $"{idPrefix}-{i}", Chunk: k)));
            var tally = new OutcomeTally();
            var latencies = new ConcurrentQueue<double>();
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Load: {Formats.Count(n)} transactions × {Formats.Count(m)} messages = {Formats.Count(total)} messages, " +
                $"{c} concurrent callers, {b} per call, ids {Formats.Text(idPrefix)}-1..{n}"));
            var stopwatch = Stopwatch.StartNew();
            await context.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new MessageRateColumn(),
                    new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("Sending", maxValue: total);
                    await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = c, CancellationToken = token },
                        async (item, _) =>
                        {
                            var first = item.Chunk * b;
                            var batch = Enumerable.Range(first, Math.Min(b, m - first))
                                .Select(j => TransactionMessage.Normal(string.Create(CultureInfo.InvariantCulture, $"load-{j:D8}"), messageType, messagePayload))
                                .ToList();
                            var call = Stopwatch.GetTimestamp();
                            IReadOnlyList<SubmitResult> results = batch.Count == 1
                                ? [await client.SubmitAsync(item.Transaction, batch[0])]
                                : await client.SubmitBatchAsync(item.Transaction, batch);
                            latencies.Enqueue(Stopwatch.GetElapsedTime(call).TotalMilliseconds);
                            tally.Add(item.Transaction, results);
                            task.Increment(batch.Count);
                        });
                });
            stopwatch.Stop();

            var sorted = latencies.Order().ToArray();
            double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Sent {Formats.Count(total)} messages in {stopwatch.Elapsed.TotalSeconds:0.00} s: [bold]{total / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001):#,0} msg/s[/]; " +
                $"{Formats.Count(sorted.Length)} calls, latency p50 {Percentile(0.50):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {(sorted.Length == 0 ? 0 : sorted[^1]):0.0} ms"));
            tally.Render(context.Console, showTransaction: true);
            return tally.Rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static int Positive(ParseResult parse, Option<int> option, int max)
    {
        var value = parse.GetValue(option);
        return value >= 1 && value <= max
            ? value
            : throw CommandFailedException.Usage(string.Create(CultureInfo.InvariantCulture, $"{option.Name} is {value}; it must be between 1 and {max:#,0}."));
    }
}
