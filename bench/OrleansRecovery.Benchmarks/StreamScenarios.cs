using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Queues;
using Orleans.Runtime;

namespace OrleansRecovery.Benchmarks;

/// <summary>What one sustained stream run did.</summary>
public sealed record StreamRun(
    int Events, long Consumed, long Duplicates, TimeSpan Elapsed, bool Completed, int MaxBacklog, double PublishP95Ms, double PublishMaxMs,
    string? Error)
{
    /// <summary>Consumed events per second.</summary>
    public double EventsPerSecond => Consumed / Elapsed.TotalSeconds;
}

/// <summary>
/// The stream scenario: single-event latency (engine and plain consumer), sustained rate, and the raw queue rate; then the same
/// under contention. It runs on an Azurite and cluster of its own, not the one the other scenarios share: after this scenario's
/// 20,000 queue messages, Azurite stopped answering for 30-150 s in the next scenario (the contended pass in one full run, the
/// outage's first calls in another), most likely its queue garbage collection, which runs every 60 s over every message extent
/// it holds. Azure Storage has no such pause, and a table scenario should not pay for the queues of another.
/// </summary>
public sealed class StreamScenarios(BenchOptions options, Report report)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs latency, raw queue rate and the sustained run, and reports them.</summary>
    public async Task RunAsync()
    {
        await using var host = await BenchHost.StartAsync(options);
        var (ours, plain) = await LatencyAsync(host);
        var raw = await RawQueueOpsAsync(host, "bench-raw");
        var run = await SustainedAsync(host, options, "sus");

        double p50 = Work.Quantile(ours, 0.5), p95 = Work.Quantile(ours, 0.95), plainP50 = Work.Quantile(plain, 0.5);
        report.Set("stream.p50_ms", p50);
        report.Set("stream.p95_ms", p95);
        report.Set("stream.plain_p50_ms", plainP50);
        report.Set("stream.p50_ratio", p50 / plainP50);
        report.Set("stream.events_per_s", run.EventsPerSecond);
        report.Set("stream.raw_ops_per_s", raw);
        report.Set("stream.ratio", run.EventsPerSecond / raw);
        var settings = Settings(options);
        report.Row("stream", $"single event p50 ms ({ours.Count} events)", Report.F(p50, "0.0"), $"plain {Report.F(plainP50, "0.0")}",
            Report.F(p50 / plainP50, "0.00"), report.Target("stream.p50_ratio", p50 / plainP50, 1.5, atLeast: false));
        report.Row("stream", "single event p95 ms", Report.F(p95, "0.0"), $"plain {Report.F(Work.Quantile(plain, 0.95), "0.0")}", "",
            report.Target("stream.p50_ms", p50, 150, atLeast: false).Replace("<=", "p50 <=", StringComparison.Ordinal));
        report.Row("stream", $"events/s ({run.Events:N0} events, {options.StreamCount} streams)", Report.F(run.EventsPerSecond),
            $"raw {Report.F(raw)} queue msgs/s", Report.F(run.EventsPerSecond / raw, "0.00"),
            report.Target("stream.ratio", run.EventsPerSecond / raw, 0.5, atLeast: true));
        report.Row("stream", "max queue backlog / duplicates", Report.F(run.MaxBacklog), $"{run.Duplicates:N0} duplicates");
        report.Notes.Add($"stream: {settings}; publish p95 {run.PublishP95Ms:0} ms, max {run.PublishMaxMs:0} ms. " +
            "raw = Azure.Storage.Queues messages/s, each enqueued, received (32 per call) and deleted, same queue count, producer window and " +
            "poll period (an empty queue is polled again after it).");
        ThrowIfIncomplete(run, settings, "");
        if (options.Contend > 0)
        {
            await ContendedAsync(settings);
        }
    }

    /// <summary>
    /// The same raw queue rate and sustained run again, with <see cref="BenchOptions.Contend"/> CPU-burning processes beside them:
    /// every event must be consumed, redeliveries (events the engine answered <c>Duplicate</c>) stay under 1%, and the ratio
    /// against the raw rate measured under the same contention is <c>stream.contended_ratio</c>.
    /// </summary>
    private async Task ContendedAsync(string settings)
    {
        // A fresh Azurite and cluster again. On the uncontended pass's one, Azurite stopped answering every queue for 90-150 s at
        // the start of this pass, at full CPU with its listen backlog at 36-133, and then its memory dropped by 130 MiB (the pause
        // described on the class). The pass is to measure the node's load, not that pause.
        await using var contended = await BenchHost.StartAsync(options);
        using var storage = AzuritePriority.Raise(contended.AzuriteProcessId);
        using var burners = Contention.Start(options.Contend);
        report.Notes.Add($"stream contended pass: on an Azurite and cluster of its own, {options.Contend} CPU-burning processes beside the benchmark; {storage.Description}.");
        var raw = await RawQueueOpsAsync(contended, "bench-raw-con");
        var run = await SustainedAsync(contended, options, "con");
        var ratio = run.EventsPerSecond / raw;
        var redelivered = (double)run.Duplicates / run.Events;
        var azuritePeak = contended.AzuritePeakMb(); // the shared Azurite's peak is the report's rss row
        report.Set("stream.contended_events_per_s", run.EventsPerSecond);
        report.Set("stream.contended_raw_ops_per_s", raw);
        report.Set("stream.contended_ratio", ratio);
        report.Set("stream.contended_redelivered", redelivered);
        report.Set("stream.contended_unconsumed", run.Events - run.Consumed);
        report.Set("stream.contended_azurite_peak_mb", azuritePeak);
        report.Row("stream", $"events/s with {burners.Count} CPU-burning processes", Report.F(run.EventsPerSecond),
            $"raw {Report.F(raw)} queue msgs/s (same contention)", Report.F(ratio, "0.00"),
            report.Target("stream.contended_ratio", ratio, 0.5, atLeast: true));
        report.Row("stream", "contended: redelivered / unconsumed", Report.F(redelivered * 100, "0.00") + " %",
            $"{run.Duplicates:N0} duplicates, {run.Events - run.Consumed:N0} unconsumed, max backlog {run.MaxBacklog:N0}, its Azurite peak {Report.F(azuritePeak)} MiB", "",
            report.Target("stream.contended_redelivered", redelivered, 0.01, atLeast: false));
        ThrowIfIncomplete(run, settings, $" with {burners.Count} CPU-burning processes");
    }

    private void ThrowIfIncomplete(StreamRun run, string settings, string condition)
    {
        if (!run.Completed)
        {
            throw new TimeoutException(
                $"stream{condition}: only {run.Consumed:N0} of {run.Events:N0} events were consumed within {options.StreamDeadline.TotalSeconds:0} s " +
                $"({settings}; {run.Error}; max backlog {run.MaxBacklog:N0}, publish max {run.PublishMaxMs:0} ms).");
        }
    }

    /// <summary>The provider and producer settings in words.</summary>
    public static string Settings(BenchOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return string.Create(CultureInfo.InvariantCulture,
            $"{o.QueueCount} queues, poll {o.PollPeriod.TotalMilliseconds:0} ms, BatchContainerBatchSize {o.BatchContainerBatchSize}, " +
            $"producer window {(o.ProducerWindow > 0 ? o.ProducerWindow.ToString(CultureInfo.InvariantCulture) : "unbounded")}, " +
            $"{o.PublishBatch} event(s) per publish, cache {(o.CacheSize is { } c ? c.ToString(CultureInfo.InvariantCulture) : "default")}, " +
            $"visibility timeout {(o.VisibilityTimeout is { } v ? $"{v.TotalSeconds:0} s" : "default")}");
    }

    /// <summary>Single events, one at a time, alternating engine and plain consumer, each after a random pause.</summary>
    private async Task<(List<double> Ours, List<double> Plain)> LatencyAsync(BenchHost host)
    {
        var publisher = host.Cluster.CreatePublisher();
        var plainStream = host.Client.GetStreamProvider(TransactionStreams.ProviderName)
            .GetStream<TransactionMessage>(StreamId.Create(PlainConsumerGrain.Namespace, "lat-p"));
        var ours = new List<double>();
        var plain = new List<double>();
        var jitterMax = (int)Math.Max(10, options.PollPeriod.TotalMilliseconds * 1.5);
        for (var i = -3; i < options.LatencySamples; i++)
        {
            // A random pause de-correlates the publish from the pulling agent's poll timer (else every sample waits one full period).
            await Task.Delay(Random.Shared.Next(jitterMax));
            var o = await TimeAsync(BenchCounters.OursAccepted, () => publisher.PublishAsync("lat-o", Work.Credit($"l{i}")));
            await Task.Delay(Random.Shared.Next(jitterMax));
            var p = await TimeAsync(BenchCounters.PlainReceived, () => plainStream.OnNextAsync(Work.Credit($"l{i}")));
            if (i >= 0)
            {
                ours.Add(o);
                plain.Add(p);
            }
        }

        return (ours, plain);
    }

    private static async Task<double> TimeAsync(AwaitableCounter counter, Func<Task> publish)
    {
        var target = counter.Value + 1;
        var clock = Stopwatch.StartNew();
        await publish();
        await counter.WaitForAsync(target, EventTimeout);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Raw queue message cycles per second (enqueue, receive in 32s, delete) with the same queues and producer window.</summary>
    private async Task<double> RawQueueOpsAsync(BenchHost on, string prefix)
    {
        var service = new QueueServiceClient(on.ConnectionString);
        var queues = Enumerable.Range(0, options.QueueCount).Select(i => service.GetQueueClient($"{prefix}-{i}")).ToArray();
        foreach (var q in queues)
        {
            await q.CreateIfNotExistsAsync();
        }

        var count = options.Quick ? 1_000 : 5_000;
        var body = new string('x', 400);
        var consumed = new AwaitableCounter();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var receivers = queues.Select(q => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Azure.Storage.Queues.Models.QueueMessage[] batch;
                try
                {
                    batch = (await q.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), CancellationToken.None)).Value;
                }
                catch (Exception ex) when (ex is Azure.RequestFailedException or TaskCanceledException or TimeoutException)
                {
                    // An overloaded Azurite fails or times out a call now and then; a receiver that stopped would hold the run.
                    await Task.Delay(50, CancellationToken.None);
                    continue;
                }

                if (batch.Length == 0)
                {
                    // An empty queue is polled again after the pulling agents' period, as they do: polling it every few
                    // milliseconds would load Azurite with empty receives that the engine's side of the comparison does not make
                    // (on a busy machine, enough to starve it: 21 raw msgs/s with 5 ms, two CPU burners).
                    await Task.Delay(options.PollPeriod, CancellationToken.None);
                    continue;
                }

                // A message kept past its visibility timeout (a busy machine) was received again: the first receipt's delete
                // fails with 404 and only the later delete counts, so every message is counted once.
                var deleted = await Task.WhenAll(batch.Select(async m =>
                {
                    try
                    {
                        await q.DeleteMessageAsync(m.MessageId, m.PopReceipt);
                        return 1;
                    }
                    catch (Exception ex) when (ex is Azure.RequestFailedException or TaskCanceledException or TimeoutException)
                    {
                        // 404: received again since (counted by that receipt); otherwise it stays and is received again.
                        return 0;
                    }
                }));
                consumed.Increment(deleted.Sum());
            }
        })).ToList();

        var window = options.ProducerWindow > 0 ? options.ProducerWindow : int.MaxValue;
        long reserved = 0;
        var producers = Enumerable.Range(0, options.StreamCount).Select(p => Task.Run(async () =>
        {
            for (var i = p; i < count; i += options.StreamCount)
            {
                var ticket = Interlocked.Increment(ref reserved);
                await consumed.WaitForAsync(ticket - window, EventTimeout * 4);
                await SendAsync(queues[p % queues.Length], body);
            }
        })).ToList();
        await Task.WhenAll(producers);
        await consumed.WaitForAsync(count, EventTimeout * 4);
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(receivers);
        return count / elapsed.TotalSeconds;
    }

    /// <summary>Sends one message, again after a failed or timed-out call (an overloaded Azurite).</summary>
    private static async Task SendAsync(QueueClient queue, string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await queue.SendMessageAsync(body);
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is Azure.RequestFailedException or TaskCanceledException or TimeoutException)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    /// <summary>
    /// Sustained: <see cref="BenchOptions.StreamEvents"/> events over <see cref="BenchOptions.StreamCount"/> transactions' inbound
    /// streams, one producer task per stream publishing in order, never more than the producer window ahead of what the engine
    /// has answered; done when the engine has answered every event.
    /// </summary>
    public static async Task<StreamRun> SustainedAsync(BenchHost host, BenchOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var publisher = host.Cluster.CreatePublisher();
        int streams = options.StreamCount, events = options.StreamEvents, batch = Math.Max(1, options.PublishBatch);
        var window = options.ProducerWindow > 0 ? options.ProducerWindow : long.MaxValue / 4;

        // Activate the consumers first (not timed): one event each.
        var warmBase = BenchCounters.OursAccepted.Value;
        await Task.WhenAll(Enumerable.Range(0, streams).Select(s => publisher.PublishAsync($"{prefix}-{s}", Work.Credit("warm"))));
        await BenchCounters.OursAccepted.WaitForAsync(warmBase + streams, EventTimeout * 2);

        var queueService = new QueueServiceClient(host.ConnectionString);
        var queues = TransactionStreams.QueueNames(host.Cluster.QueuePrefix, host.Cluster.QueueCount)
            .Select(queueService.GetQueueClient).ToArray();
        var maxBacklog = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                try
                {
                    var depths = await Task.WhenAll(queues.Select(q => q.GetPropertiesAsync(stopSampling.Token)));
                    maxBacklog = Math.Max(maxBacklog, depths.Sum(d => d.Value.ApproximateMessagesCount));
                    await Task.Delay(250, stopSampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Azure.RequestFailedException)
                {
                }
            }
        });

        var publishMs = new ConcurrentBag<double>();
        var baseline = BenchCounters.OursAccepted.Value;
        var duplicatesBefore = BenchCounters.OursDuplicates.Value;
        long reserved = 0;
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(options.StreamDeadline);
        var producers = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            var tx = $"{prefix}-{s}";
            var mine = Enumerable.Range(0, events).Where(e => e % streams == s).Select(e => Work.Credit($"s{e}")).ToList();
            for (var i = 0; i < mine.Count; i += batch)
            {
                var slice = mine.GetRange(i, Math.Min(batch, mine.Count - i));
                var ticket = Interlocked.Add(ref reserved, slice.Count);
                await BenchCounters.OursAccepted.WaitForAsync(baseline + ticket - window, Timeout.InfiniteTimeSpan, deadline.Token);
                var t = Stopwatch.GetTimestamp();
                if (slice.Count == 1)
                {
                    await publisher.PublishAsync(tx, slice[0]);
                }
                else
                {
                    await publisher.PublishBatchAsync(tx, slice);
                }

                publishMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }, deadline.Token)).ToList();

        var completed = true;
        string? error = null;
        try
        {
            // Publish calls take no token: a stuck enqueue must not hold the deadline.
            await Task.WhenAll(producers).WaitAsync(deadline.Token);
            await BenchCounters.OursAccepted.WaitForAsync(baseline + events, Timeout.InfiniteTimeSpan, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            completed = false;
            error = "deadline";
        }
        catch (Exception ex)
        {
            completed = false;
            error = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
        }

        var elapsed = clock.Elapsed;
        await stopSampling.CancelAsync();
        await sampler;
        var consumed = Math.Min(events, BenchCounters.OursAccepted.Value - baseline);
        var times = publishMs.ToArray();
        return new StreamRun(events, consumed, BenchCounters.OursDuplicates.Value - duplicatesBefore, elapsed, completed, maxBacklog,
            times.Length > 0 ? Work.Quantile(times, 0.95) : double.NaN, times.Length > 0 ? times.Max() : double.NaN, error);
    }
}
