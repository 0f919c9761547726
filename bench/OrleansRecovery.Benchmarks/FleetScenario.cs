using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// fleet (issue 13): many transactions, a few messages each, many callers — a silo's whole fleet writing at once, where the
/// default layout pays one storage request per record and the batching layout sends a bucket's writes as one entity group
/// transaction. Three arms on the same Azurite: ours on the batching layout (a second cluster in this process, configured
/// with <c>Batching.Enabled</c>), ours on the default layout (the host's cluster), and the naive grain (one write per message).
/// </summary>
/// <remarks>
/// Each arm sends message k to every transaction before message k+1 (index i → transaction i mod T, message i div T), so
/// callers rarely meet on one transaction and group commit inside a grain plays no part: what differs is the storage layout.
/// The arms run in rounds whose order rotates, each on tables of its own, as in many. Storage requests are counted where they
/// are made: the batching layout's batches and range queries (a batch is one request), the default layout's record reads,
/// writes and deletes (<see cref="CountingGrainStorage"/>); the naive grain's are one read per activation and one write per
/// message by construction.
/// </remarks>
public sealed class FleetScenario(BenchHost host, BenchOptions options, Report report)
{
    /// <summary>Runs the three arms, checks balances, and reports rates, requests per message and latencies.</summary>
    public async Task RunAsync()
    {
        await using var batchingCluster = await BatchingCluster.StartAsync(host, options);
        long BatchingRequests() => batchingCluster.Requests;
        long DefaultRequests() => CountingGrainStorage.Tally.Snapshot()
            .Where(kv => kv.Key is StateNames.Header or "txn-pending")
            .Sum(kv => kv.Value.Reads + kv.Value.Writes + kv.Value.Clears);

        var batchingClient = batchingCluster.Client;
        var arms = new[]
        {
            // Ours resend a call that timed out (same message id: a repeat is answered Duplicate, so each credit counts once);
            // the naive grain has no dedup, so its timed-out calls are counted, not resent.
            new FleetArm("batching", "fleet-b", async (id, m) => (await batchingClient.GetTransaction(id).SubmitAsync(m)).Outcome is SubmitOutcome.Processed or SubmitOutcome.Duplicate, BatchingRequests, resend: true),
            new FleetArm("default", "fleet-d", async (id, m) => (await host.Client.GetTransaction(id).SubmitAsync(m)).Outcome is SubmitOutcome.Processed or SubmitOutcome.Duplicate, DefaultRequests, resend: true),
            new FleetArm("naive", "fleet-n", async (id, m) => await host.Client.GetGrain<INaiveBinaryGrain>(id).SubmitAsync(m) == SubmitOutcome.Processed, null, resend: false),
        };

        // Warm-up on transactions outside the measured ones: code paths, connections, the bucket table's creation.
        foreach (var arm in arms)
        {
            await arm.RunAsync(arm.KeyPrefix + "-warm", 0, Math.Min(256, options.FleetTransactions), 2, options.FleetConcurrency);
            arm.Reset();
        }

        var rounds = options.Quick ? 1 : 2;
        for (var round = 0; round < rounds; round++)
        {
            var first = options.FleetTransactions * round / rounds;
            var count = (options.FleetTransactions * (round + 1) / rounds) - first;
            for (var position = 0; position < arms.Length; position++)
            {
                var arm = arms[(round + position) % arms.Length];
                var (rate, timeouts, done) = await arm.RunAsync(arm.KeyPrefix, first, count, options.FleetMessages, options.FleetConcurrency,
                    options.FleetBudget);
                var stopped = done < count * options.FleetMessages ? $", stopped at its {options.FleetBudget?.TotalSeconds:0} s budget after {done:N0} messages" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  fleet round {round + 1}/{rounds} {arm.Name}: {count:N0} tx x {options.FleetMessages}, {rate:N0} msgs/s, {timeouts} calls timed out{stopped}"));
            }
        }

        var (batching, byDefault, naive) = (arms[0], arms[1], arms[2]);
        await VerifyAsync(batchingClient, batching);
        await VerifyAsync(host.Client, byDefault);
        var raw = await RawBatchEntitiesPerSecondAsync();

        var ratio = batching.Rate / naive.Rate;
        var defaultRatio = byDefault.Rate / naive.Rate;
        var requestsPerMessage = batching.Requests / (double)batching.Done;
        var defaultRequestsPerMessage = byDefault.Requests / (double)byDefault.Done;
        // One read per transaction it activated (message k reaches every transaction before k+1) and one write per message.
        var naiveRequestsPerMessage = (Math.Min(options.FleetTransactions, naive.Done) + (double)naive.Done) / naive.Done;
        var p99Ratio = batching.Latency(0.99) / naive.Latency(0.99);
        report.Set("fleet.batching_msgs_per_s", batching.Rate);
        report.Set("fleet.default_msgs_per_s", byDefault.Rate);
        report.Set("fleet.naive_msgs_per_s", naive.Rate);
        report.Set("fleet.ratio", ratio);
        report.Set("fleet.default_ratio", defaultRatio);
        report.Set("fleet.requests_per_msg", requestsPerMessage);
        report.Set("fleet.default_requests_per_msg", defaultRequestsPerMessage);
        report.Set("fleet.p50_ms", batching.Latency(0.50));
        report.Set("fleet.p99_ms", batching.Latency(0.99));
        report.Set("fleet.naive_p99_ms", naive.Latency(0.99));
        report.Set("fleet.p99_ratio", p99Ratio);
        report.Set("raw.batch_entities_per_s", raw);

        var label = $"{options.FleetTransactions:N0} tx x {options.FleetMessages}, {options.FleetConcurrency} callers";
        report.Row("fleet", $"msgs/s batching ({label})", Report.F(batching.Rate), $"naive {Report.F(naive.Rate)}",
            Report.F(ratio, "0.00"), report.Target("fleet.ratio", ratio, 3.0, atLeast: true));
        report.Row("fleet", "msgs/s default layout", Report.F(byDefault.Rate), $"naive {Report.F(naive.Rate)}", Report.F(defaultRatio, "0.00"));
        report.Row("fleet", "storage requests per msg (a batch = 1)", Report.F(requestsPerMessage, "0.000"),
            $"default {Report.F(defaultRequestsPerMessage, "0.000")} / naive {Report.F(naiveRequestsPerMessage, "0.000")}", "",
            report.Target("fleet.requests_per_msg", requestsPerMessage, 0.25, atLeast: false));
        report.Row("fleet", "latency p50 / p99 ms, batching", $"{Report.F(batching.Latency(0.5), "0.0")} / {Report.F(batching.Latency(0.99), "0.0")}",
            $"default {Report.F(byDefault.Latency(0.5), "0.0")} / {Report.F(byDefault.Latency(0.99), "0.0")}; naive {Report.F(naive.Latency(0.5), "0.0")} / {Report.F(naive.Latency(0.99), "0.0")}",
            Report.F(p99Ratio, "0.00"), report.Target("fleet.p99_ratio", p99Ratio, 1.5, atLeast: false));
        report.Row("raw", "Azure SDK entities/s in batches of 100", Report.F(raw));
        foreach (var arm in arms.Where(a => a.Done < options.FleetTransactions * options.FleetMessages))
        {
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"fleet {arm.Name}: stopped at its {options.FleetBudget?.TotalSeconds:0} s budget per round after {arm.Done:N0} of " +
                $"{options.FleetTransactions * options.FleetMessages:N0} messages; its rate and latencies are over what it finished."));
        }

        foreach (var arm in arms.Where(a => a.TimedOut > 0))
        {
            report.Notes.Add($"fleet {arm.Name}: {arm.TimedOut} calls timed out, had their activation cancelled or (naive) failed a write under overload{(arm.Name == "naive" ? ", not resent" : ", resent")}.");
        }

        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"fleet: batching layout with {batchingCluster.BucketCount} buckets; {batching.Requests:N0} requests for {batching.Done:N0} messages " +
            $"({batchingCluster.BatchesSent:N0} batches, {batchingCluster.ReadsSent:N0} range reads over the whole run, warm-up included)."));
    }

    /// <summary>
    /// Every credit the arm had acknowledged is in the balance, once: checked on the first, middle and last transaction of each
    /// round that received any (an arm stopped by its budget has sent fewer than all).
    /// </summary>
    private static async Task VerifyAsync(IClusterClient client, FleetArm arm)
    {
        foreach (var (id, acknowledged) in arm.Samples())
        {
            var data = await client.GetDataAsync<LedgerData>(id);
            if ((data?.Balance ?? 0) != acknowledged)
            {
                throw new InvalidOperationException($"fleet {arm.Name}: {id} has balance {data?.Balance}, {acknowledged} credits acknowledged.");
            }
        }
    }

    /// <summary>The Azure SDK alone writing entity group transactions of 100 entities (400 bytes each) to the same Azurite.</summary>
    private async Task<double> RawBatchEntitiesPerSecondAsync()
    {
        var table = new TableServiceClient(host.ConnectionString).GetTableClient("BenchRawBatch");
        await table.CreateIfNotExistsAsync();
        var data = new byte[400];
        Random.Shared.NextBytes(data);
        var batches = options.Quick ? 40 : 300;
        await Work.RunAsync(8, 8, i => Batch(-1 - i));
        var (done, elapsed) = await Work.RunAsync(batches, 16, Batch);
        return Work.Rate(done * 100, elapsed);

        Task Batch(int i) => table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(k =>
            new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity($"p{i}", $"r{k:D3}") { ["Data"] = data })));
    }
}

/// <summary>One arm of the fleet scenario: its transactions, its callers' latencies and its storage requests.</summary>
internal sealed class FleetArm(string name, string keyPrefix, Func<string, TransactionMessage, Task<bool>> submit, Func<long>? requests,
    bool resend)
{
    /// <summary>
    /// How long ours resend one call that keeps timing out (same message id, so a repeat is answered Duplicate). Five sends of 30 s
    /// were too few for the default layout on a full run: with its table grown by the earlier scenarios, Azurite left one call
    /// unanswered through five 30 s timeouts in a row (256 callers queued on it), and the arm failed instead of reporting its rate.
    /// </summary>
    private static readonly TimeSpan ResendFor = TimeSpan.FromMinutes(5);

    private readonly List<double> _latencyMs = [];
    private readonly Dictionary<string, int> _acknowledged = new(StringComparer.Ordinal);
    private readonly List<(int First, int Count)> _rounds = [];
    private TimeSpan _elapsed;

    public string Name { get; } = name;

    public string KeyPrefix { get; } = keyPrefix;

    public int Done { get; private set; }

    public long Requests { get; private set; }

    public int TimedOut { get; private set; }

    public double Rate => Work.Rate(Done, _elapsed);

    public static string TransactionId(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D6}");

    public double Latency(double quantile) => Work.Quantile(_latencyMs, quantile);

    /// <summary>
    /// A call lost to an overloaded machine: Orleans' response timeout, or an activation cancelled after its timeout (storage
    /// too slow to load the grain). The message was not answered; for ours a resend is safe (dedup).
    /// </summary>
    private static bool IsOverload(Exception ex) => ex is TimeoutException or OperationCanceledException
        // The naive grain's write conflicting with its own earlier write whose answer was lost (it has no dedup to absorb it).
        or NaiveWriteFailedException;

    /// <summary>First, middle and last transaction of each measured round with the credits acknowledged to each.</summary>
    public IEnumerable<(string Id, int Acknowledged)> Samples() => _rounds
        .SelectMany(r => new[] { r.First, r.First + (r.Count / 2), r.First + r.Count - 1 })
        .Select(i => TransactionId(KeyPrefix, i))
        .Select(id => (id, _acknowledged.GetValueOrDefault(id)));

    public void Reset()
    {
        _latencyMs.Clear();
        _acknowledged.Clear();
        _rounds.Clear();
        _elapsed = TimeSpan.Zero;
        Done = 0;
        Requests = 0;
        TimedOut = 0;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> credits to each of <paramref name="count"/> transactions from index <paramref name="first"/>
    /// (message k to every transaction before message k+1), starting no call after <paramref name="budget"/>; returns the rate, the
    /// calls that timed out and the messages completed. A call's latency includes its resends.
    /// </summary>
    public async Task<(double Rate, int TimedOut, int Done)> RunAsync(string prefix, int first, int count, int messages, int concurrency,
        TimeSpan? budget = null)
    {
        var latencies = new double[count * messages];
        Array.Fill(latencies, double.NaN);
        var acknowledged = new int[count];
        var failed = 0;
        var timedOut = 0;
        var before = requests?.Invoke() ?? 0;
        var (done, elapsed) = await Work.RunAsync(latencies.Length, concurrency, async i =>
        {
            var clock = Stopwatch.StartNew();
            var message = Work.Credit($"f{i / count}");
            var id = TransactionId(prefix, first + (i % count));
            try
            {
                var processed = resend
                    ? await Work.ResendWhileLostAsync(() => submit(id, message), IsOverload, ResendFor, () => Interlocked.Increment(ref timedOut))
                    : await submit(id, message);
                if (!processed)
                {
                    Interlocked.Increment(ref failed);
                }
                else
                {
                    Interlocked.Increment(ref acknowledged[i % count]);
                }
            }
            catch (Exception ex) when (IsOverload(ex) && !resend)
            {
                // The naive grain has no dedup, so a lost call is counted and not resent.
                Interlocked.Increment(ref timedOut);
            }

            latencies[i] = clock.Elapsed.TotalMilliseconds;
        }, budget);
        TimedOut += timedOut;
        if (failed > 0)
        {
            throw new InvalidOperationException($"fleet {Name}: {failed} of {latencies.Length} messages were not Processed.");
        }

        Requests += (requests?.Invoke() ?? 0) - before;
        Done += done;
        _elapsed += elapsed;
        _latencyMs.AddRange(latencies.Where(l => !double.IsNaN(l))); // calls never started (budget) have no latency
        if (prefix == KeyPrefix)
        {
            _rounds.Add((first, count));
            for (var t = 0; t < count; t++)
            {
                _acknowledged[TransactionId(prefix, first + t)] = acknowledged[t];
            }
        }

        return (Work.Rate(done, elapsed), timedOut, done);
    }
}
