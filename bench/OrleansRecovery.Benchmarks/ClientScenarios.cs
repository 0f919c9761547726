using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using OrleansRecovery.Ledger;

namespace OrleansRecovery.Benchmarks;

/// <summary>The client-SDK scenarios: many, hot, append and replay.</summary>
public sealed class ClientScenarios(BenchHost host, BenchOptions options, Report report)
{
    private static readonly TimeSpan ReplayDeadline = TimeSpan.FromMinutes(3);
    private readonly IClusterClient _client = host.Client;
    private double? _rawUpserts;
    private bool _warm;

    /// <summary>Raw Azure Table upserts per second at the client concurrency (measured once, shared by many and hot).</summary>
    public async Task<double> RawUpsertsAsync()
    {
        if (_rawUpserts is { } cached)
        {
            return cached;
        }

        var table = new TableServiceClient(host.ConnectionString).GetTableClient("BenchRaw");
        await table.CreateIfNotExistsAsync();
        var data = new byte[400];
        Random.Shared.NextBytes(data);
        var count = options.Quick ? 2_000 : 10_000;
        var partitions = options.ManyTransactions;
        await Work.RunAsync(200, options.Concurrency, i => Upsert(i)); // warm-up
        var (done, elapsed) = await Work.RunAsync(count, options.Concurrency, i => Upsert(i));
        _rawUpserts = Work.Rate(done, elapsed);
        return _rawUpserts.Value;

        Task Upsert(int i) => table.UpsertEntityAsync(
            new TableEntity($"p{i % partitions}", "header") { ["Data"] = data }, TableUpdateMode.Replace);
    }

    /// <summary>
    /// The raw baseline at a table's size and shape: single upserts (Azure SDK, same callers) into a table of its own first filled
    /// with <paramref name="records"/> entities, one per partition as the engine's default layout keeps a transaction's records
    /// in a partition of its own, each upsert replacing an existing one. Azurite's table writes slow down as a table gains
    /// partitions (measured with the Azure SDK alone on this machine: 10,000 entities in 100 partitions took 476 upserts/s, in
    /// 10,000 partitions 51–93/s), which real Azure Table does not (a partition is its unit of scale), so at an outage's size this
    /// is the baseline to read the engine's rates against.
    /// </summary>
    public async Task<double> RawUpsertsAtSizeAsync(long records, string tableName)
    {
        var table = new TableServiceClient(host.ConnectionString).GetTableClient(tableName);
        await table.CreateIfNotExistsAsync();
        var data = new byte[400];
        Random.Shared.NextBytes(data);
        var partitions = (int)Math.Max(1, records);
        await Work.RunAsync(partitions, options.Concurrency, p => table.UpsertEntityAsync(
            new TableEntity($"p{p}", "header") { ["Data"] = data }, TableUpdateMode.Replace));
        var count = Math.Min(options.Quick ? 1_000 : 3_000, partitions * 4);
        var (done, elapsed) = await Work.RunAsync(count, options.Concurrency, i => table.UpsertEntityAsync(
            new TableEntity($"p{Random.Shared.Next(partitions)}", "header") { ["Data"] = data }, TableUpdateMode.Replace));
        return Work.Rate(done, elapsed);
    }

    /// <summary>Entities in table <paramref name="tableName"/> (0 when it does not exist).</summary>
    public async Task<long> CountEntitiesAsync(string tableName)
    {
        var table = new TableServiceClient(host.ConnectionString).GetTableClient(tableName);
        long rows = 0;
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"]))
            {
                rows++;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return rows;
    }

    /// <summary>
    /// many: independent transactions, concurrent submitters. Three arms — ours, naive, and the naive grain again on a table of
    /// its own (the control) — each submit <see cref="BenchOptions.ManyMessages"/> messages to each of
    /// <see cref="BenchOptions.ManyTransactions"/> fresh transactions, split into rounds that alternate between the arms.
    /// </summary>
    /// <remarks>
    /// Why this shape: Azurite's table writes slow down as a table gains records (1,636 → 670 upserts/s from 1,000 to 6,000
    /// records, measured with the Azure SDK alone), so each arm has its own table and its k-th round meets the same table size.
    /// The order of the arms rotates from round to round (O N C, N C O, C O N), so each arm runs first, second and third equally
    /// often: a drift of the machine, or the cost of whatever runs first after the warm-up, falls on every arm alike. The
    /// control is the naive grain standing where ours stands: control ÷ naive shows how far the harness alone moves a ratio.
    /// </remarks>
    public async Task ManyAsync()
    {
        await WarmUpAsync();
        ManyArm Arm(string name, string keyPrefix, Func<string, TransactionMessage, Task<bool>> submit) =>
            new(name, keyPrefix, submit, options, host.AzuriteProcessId);
        // Ours on the batching layout too: a cluster of its own on the same Azurite, warmed up apart (WarmUpAsync knows one client).
        await using var batching = await BatchingCluster.StartAsync(host, options);
        await Work.RunAsync(options.ManyTransactions * 2, options.Concurrency, i =>
            batching.Client.GetTransaction($"warm-b-{i % options.ManyTransactions}").SubmitAsync(Work.Credit($"w{i / options.ManyTransactions}")));
        var arms = new[]
        {
            Arm("ours", "many-o", async (id, m) => (await _client.GetTransaction(id).SubmitAsync(m)).Outcome == SubmitOutcome.Processed),
            Arm("naive", "many-n", async (id, m) => await _client.GetGrain<INaiveBinaryGrain>(id).SubmitAsync(m) == SubmitOutcome.Processed),
            Arm("control", "many-c", async (id, m) => await _client.GetGrain<INaiveControlGrain>(id).SubmitAsync(m) == SubmitOutcome.Processed),
            Arm("batching", "many-b", async (id, m) => (await batching.Client.GetTransaction(id).SubmitAsync(m)).Outcome == SubmitOutcome.Processed),
        };
        var batchingRequestsBefore = batching.Requests;
        var rounds = options.ManyRounds;
        var writesBefore = BenchCounters.StorageWrites.Value;
        for (var round = 0; round < rounds; round++)
        {
            // Every arm's k-th round has the same number of transactions (the remainder goes to the first rounds).
            var transactions = options.ManyTransactions / rounds + (round < options.ManyTransactions % rounds ? 1 : 0);
            for (var position = 0; position < arms.Length; position++)
            {
                await arms[(round + position) % arms.Length].RunRoundAsync(round, transactions);
            }
        }

        var writes = BenchCounters.StorageWrites.Value - writesBefore;
        var batchingRequests = batching.Requests - batchingRequestsBefore;
        var (ours, naive, control, batched) = (arms[0], arms[1], arms[2], arms[3]);
        await VerifyBalanceAsync(ours.TransactionId(0, 0), options.ManyMessages);
        var raw = await RawUpsertsAsync();
        var ratio = ours.Rate / naive.Rate;
        var controlRatio = control.Rate / naive.Rate;
        report.Set("many.ours_msgs_per_s", ours.Rate);
        report.Set("many.naive_msgs_per_s", naive.Rate);
        report.Set("many.ratio", ratio);
        report.Set("many.control_ratio", controlRatio);
        // The engine's write counter is process-wide: it counts the records both of ours' arms wrote (the default and the
        // batching layout's cluster), each message one record.
        var writesPerMessage = (double)writes / (ours.Done + batched.Done);
        report.Set("many.writes_per_msg", writesPerMessage);
        var label = $"{options.ManyTransactions:N0} tx x {options.ManyMessages}, {options.Concurrency} callers";
        report.Row("many", $"msgs/s ({label})", Report.F(ours.Rate), $"{Report.F(naive.Rate)} / raw {Report.F(raw)} upserts/s",
            Report.F(ratio, "0.00"), report.Target("many.ratio", ratio, 1.0, atLeast: true));
        report.Row("many", "control: naive again, in ours' place", Report.F(control.Rate), Report.F(naive.Rate),
            Report.F(controlRatio, "0.00"), "the harness's own spread");
        report.Row("many", "record writes per msg (ours, both layouts)", Report.F(writesPerMessage, "0.000"), "1 (by construction)");
        var batchingRatio = batched.Rate / naive.Rate;
        var batchingRequestsPerMessage = (double)batchingRequests / batched.Done;
        report.Set("many.batching_msgs_per_s", batched.Rate);
        report.Set("many.batching_ratio", batchingRatio);
        report.Set("many.batching_requests_per_msg", batchingRequestsPerMessage);
        report.Row("many", $"msgs/s, ours on the batching layout ({batching.BucketCount} buckets)", Report.F(batched.Rate), Report.F(naive.Rate),
            Report.F(batchingRatio, "0.00"), $"{Report.F(batchingRequestsPerMessage, "0.000")} requests/msg (a batch = 1)");
        foreach (var arm in arms)
        {
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"many {arm.Name}: CPU per message {arm.SelfCpuUs:N0} us in this process (cluster and client), {arm.AzuriteCpuUs:N0} us in Azurite"));
        }

        // What each write carried, read back after the timed part: Azurite parses and stores each body, and ours' record holds
        // what the naive one does not (the dedup window's hashes, the answer counters); whether that shows in Azurite's CPU per
        // message is for the run's figures to say.
        var oursSize = await RecordSizes.MeasureAsync(host.ConnectionString, host.Cluster.TableName, "many-o");
        var naiveSize = await RecordSizes.MeasureAsync(host.ConnectionString, BenchHost.NaiveTable, "many-n");
        report.Set("many.ours_record_bytes", oursSize.JsonBytes);
        report.Set("many.naive_record_bytes", naiveSize.JsonBytes);
        report.Row("many", $"record size after {options.ManyMessages} msgs, JSON body (stored payload)",
            $"{Report.F(oursSize.JsonBytes)} ({Report.F(oursSize.PayloadBytes)})", $"{Report.F(naiveSize.JsonBytes)} ({Report.F(naiveSize.PayloadBytes)})",
            Report.F(naiveSize.JsonBytes == 0 ? 0 : oursSize.JsonBytes / naiveSize.JsonBytes, "0.00"),
            $"{oursSize.Records:N0} / {naiveSize.Records:N0} records read back");
    }

    /// <summary>hot: one transaction, concurrent submitters.</summary>
    public async Task HotAsync()
    {
        var total = options.HotMessages;
        await WarmUpAsync();
        var writesBefore = BenchCounters.StorageWrites.Value;
        var notProcessed = 0;
        var hot = _client.GetTransaction("hot-o");
        var (oursDone, oursElapsed) = await Work.RunAsync(total, options.Concurrency, async i =>
        {
            if ((await hot.SubmitAsync(Work.Credit($"h{i}"))).Outcome != SubmitOutcome.Processed)
            {
                Interlocked.Increment(ref notProcessed);
            }
        });
        var writes = BenchCounters.StorageWrites.Value - writesBefore;
        if (notProcessed > 0)
        {
            throw new InvalidOperationException($"hot: {notProcessed} of {total} messages were not Processed by the engine.");
        }

        await VerifyBalanceAsync("hot-o", total);
        var naiveGrain = _client.GetGrain<INaiveBinaryGrain>("hot-n");
        var (naiveDone, naiveElapsed) = await Work.RunAsync(total, options.Concurrency, async i =>
        {
            if (await naiveGrain.SubmitAsync(Work.Credit($"h{i}")) != SubmitOutcome.Processed)
            {
                Interlocked.Increment(ref notProcessed);
            }
        }, options.NaiveBudget);
        if (notProcessed > 0)
        {
            throw new InvalidOperationException($"hot: {notProcessed} messages were not Processed by the naive grain.");
        }

        var ours = Work.Rate(oursDone, oursElapsed);
        var naive = Work.Rate(naiveDone, naiveElapsed);
        var raw = await RawUpsertsAsync();
        var perMsg = (double)writes / total;
        report.Set("hot.ours_msgs_per_s", ours);
        report.Set("hot.naive_msgs_per_s", naive);
        report.Set("hot.ratio", ours / naive);
        report.Set("hot.writes_per_msg", perMsg);
        report.Row("hot", $"msgs/s (1 tx, {total:N0} msgs, {options.Concurrency} callers)", Report.F(ours),
            $"{Report.F(naive)} / raw {Report.F(raw)} upserts/s", Report.F(ours / naive, "0.00"),
            report.Target("hot.ratio", ours / naive, 5, atLeast: true));
        report.Row("hot", "storage writes per msg", Report.F(perMsg, "0.000"), "1 (by construction)", "",
            report.Target("hot.writes_per_msg", perMsg, 0.2, atLeast: false));
        if (naiveDone < total)
        {
            report.Notes.Add($"hot: naive stopped at its {options.NaiveBudget.TotalSeconds:0} s budget after {naiveDone:N0} of {total:N0} " +
                "messages; its rate is over that (cheaper, smaller-record) part only.");
        }
    }

    /// <summary>append: time per parked append at growing depths.</summary>
    public async Task AppendAsync()
    {
        var ours = _client.GetTransaction("append-o");
        await ours.BeginRecoveryAsync("benchmark");
        var oursDepth = 0;
        var oursUs = new SortedDictionary<int, double>();
        var naive = new NaiveAppend(_client.GetGrain<INaiveBinaryGrain>("append-n"));
        var json = new NaiveAppend(_client.GetGrain<INaiveJsonGrain>("append-j"));
        await naive.Grain.BeginRecoveryAsync("benchmark");
        await json.Grain.BeginRecoveryAsync("benchmark");

        foreach (var depth in options.AppendDepths)
        {
            // Fill (batched, not timed) up to the depth, then time single appends starting there.
            while (oursDepth < depth)
            {
                var n = Math.Min(500, depth - oursDepth);
                var batch = Enumerable.Range(oursDepth, n).Select(i => Work.Credit($"a{i}")).ToList();
                var results = await ours.SubmitBatchAsync(batch);
                if (results.Any(r => r.Outcome != SubmitOutcome.Queued))
                {
                    throw new InvalidOperationException($"append: a fill message was answered {results.First(r => r.Outcome != SubmitOutcome.Queued)}.");
                }

                oursDepth += n;
            }

            var clock = Stopwatch.StartNew();
            for (var k = 0; k < options.AppendSamples; k++)
            {
                var r = await ours.SubmitAsync(Work.Credit($"a{oursDepth}"));
                if (r.Outcome != SubmitOutcome.Queued)
                {
                    throw new InvalidOperationException($"append: message at depth {oursDepth} was answered {r.Outcome} ({r.Reason}).");
                }

                oursDepth++;
            }

            oursUs[depth] = clock.Elapsed.TotalMicroseconds / options.AppendSamples;
            await naive.MeasureAtAsync(depth, options.AppendSamples);
            await json.MeasureAtAsync(depth, options.AppendSamples);
        }

        var status = await ours.GetStatusAsync();
        if (status.PendingCount != oursDepth)
        {
            throw new InvalidOperationException($"append: engine reports {status.PendingCount} pending, expected {oursDepth}.");
        }

        foreach (var (depth, us) in oursUs)
        {
            var key = $"append.us_at_{depth}";
            if (Report.Keys.Contains(key))
            {
                report.Set(key, us);
            }

            var n = naive.Us.TryGetValue(depth, out var nv) ? Report.F(nv) : $"failed (at {naive.FailedAt:N0})";
            var j = json.Us.TryGetValue(depth, out var jv) ? Report.F(jv) : $"failed (at {json.FailedAt:N0})";
            report.Row("append", $"us per parked append at depth {depth:N0}", Report.F(us), $"{n} / json {j}",
                naive.Us.TryGetValue(depth, out var nv2) ? Report.F(nv2 / us, "0.00") + "x faster" : "");
        }

        await PagesAsync(ours, oursDepth);

        var first = oursUs.First();
        var last = oursUs.Last();
        var ratio = last.Value / first.Value;
        report.Set("append.ratio", ratio);
        report.Set("append.naive_failed_at", naive.FailedAt);
        report.Row("append", $"ratio depth {last.Key:N0} vs {first.Key:N0}", "", "", Report.F(ratio, "0.00"),
            report.Target("append.ratio", ratio, 1.3, atLeast: false));
        report.Row("append", "naive failed at depth", "", $"{Report.F(naive.FailedAt)} / json {Report.F(json.FailedAt)}");
        if (naive.Error is not null || json.Error is not null)
        {
            report.Notes.Add($"append: naive write failure: {Trim(naive.Error ?? json.Error)}");
        }
    }

    /// <summary>
    /// The operators' pending pages at the append scenario's last depth (issue 12: under a second per page at 50,000 parked):
    /// pages of 50 from the front, the middle and the end, <see cref="BenchOptions.LatencySamples"/> calls each, every page's
    /// contents checked; the baseline is the front page, so the ratio shows whether depth costs anything.
    /// </summary>
    private async Task PagesAsync(ITransactionGrain grain, int depth)
    {
        const int take = 50;
        var medians = new List<(long From, double P50, double Max)>();
        foreach (var from in new long[] { 0, depth / 2, depth - take })
        {
            var times = new List<double>();
            for (var i = 0; i < options.LatencySamples; i++)
            {
                var clock = Stopwatch.StartNew();
                var page = await grain.GetPendingAsync(from, take);
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (page.PendingCount != depth || page.Entries.Count != take || page.Entries[0].MessageId != $"a{from}"
                    || page.Entries[^1].MessageId != $"a{from + take - 1}")
                {
                    throw new InvalidOperationException(
                        $"append: the page from {from} holds {page.Entries.Count} entries starting at {(page.Entries.Count > 0 ? page.Entries[0].MessageId : "nothing")} of {page.PendingCount}.");
                }
            }

            times.Sort();
            medians.Add((from, times[times.Count / 2], times[^1]));
        }

        var front = medians[0].P50;
        foreach (var (from, p50, max) in medians)
        {
            report.Row("append", $"ms per page of {take} from {from:N0} of {depth:N0} parked (median)", Report.F(p50, "0.00"),
                $"max {Report.F(max, "0.00")}", from == 0 ? "" : Report.F(p50 / front, "0.00") + "x front");
        }

        var slowest = medians.Max(m => m.P50);
        report.Set("append.page_ms", slowest);
        report.Set("append.page_depth_ratio", medians[^1].P50 / front);
        report.Row("append", "ms per page, slowest median", Report.F(slowest, "0.00"), "", "",
            report.Target("append.page_ms", slowest, 1_000, atLeast: false));
    }

    /// <summary>replay: complete a recovery with many parked messages, time until all are applied.</summary>
    public async Task ReplayAsync()
    {
        var depth = options.ReplayDepth;
        var ours = _client.GetTransaction("replay-o");
        var recovery = await ours.BeginRecoveryAsync("benchmark");
        for (var i = 0; i < depth; i += 500)
        {
            var batch = Enumerable.Range(i, Math.Min(500, depth - i)).Select(k => Work.Credit($"r{k}")).ToList();
            var results = await ours.SubmitBatchAsync(batch);
            if (results.Any(r => r.Outcome != SubmitOutcome.Queued))
            {
                throw new InvalidOperationException("replay: a parked message was not Queued.");
            }
        }

        var writesBefore = BenchCounters.StorageWrites.Value;
        var clock = Stopwatch.StartNew();
        var done = await ours.SubmitAsync(LedgerMessages.Reconciled("complete", recovery.RecoveryId));
        if (done.Outcome != SubmitOutcome.Processed)
        {
            throw new InvalidOperationException($"replay: completion answered {done.Outcome} ({done.Reason}).");
        }

        await WaitAsync(async () => (await ours.GetStatusAsync()) is { Mode: TransactionMode.Normal, PendingCount: 0, Replaying: false },
            "the engine replayed its pending log");
        var oursSeconds = clock.Elapsed.TotalSeconds;
        var writes = BenchCounters.StorageWrites.Value - writesBefore;
        var data = await _client.GetDataAsync<LedgerData>("replay-o");
        if (data?.Statement.Count != depth || data.Balance != depth)
        {
            throw new InvalidOperationException($"replay: statement has {data?.Statement.Count} entries, balance {data?.Balance}; expected {depth}.");
        }

        // The naive grain: park as many as its one record holds (up to the same depth), complete, wait.
        var naive = _client.GetGrain<INaiveBinaryGrain>("replay-n");
        await naive.BeginRecoveryAsync("benchmark");
        var parked = 0;
        string? failure = null;
        while (parked < depth)
        {
            var n = Math.Min(250, depth - parked);
            try
            {
                await naive.ParkManyAsync([.. Enumerable.Range(parked, n).Select(k => Work.Credit($"r{k}"))]);
                parked += n;
            }
            catch (NaiveWriteFailedException ex)
            {
                failure = ex.Message;
                break;
            }
        }

        clock.Restart();
        if (await naive.SubmitAsync(LedgerMessages.Reconciled("complete")) != SubmitOutcome.Processed)
        {
            throw new InvalidOperationException("replay: naive completion was not processed.");
        }

        await WaitAsync(async () => (await naive.GetStatusAsync()).PendingCount == 0, "the naive grain replayed its pending list");
        var naiveMeasured = clock.Elapsed.TotalSeconds;
        var naiveSeconds = naiveMeasured * depth / Math.Max(1, parked);
        report.Set("replay.ours_s", oursSeconds);
        report.Set("replay.naive_s", naiveSeconds);
        report.Set("replay.ratio", naiveSeconds / oursSeconds);
        report.Row("replay", $"s to replay {depth:N0} parked", Report.F(oursSeconds, "0.00"),
            parked < depth ? $"{naiveSeconds:0.00} (extrapolated)" : Report.F(naiveSeconds, "0.00"),
            Report.F(naiveSeconds / oursSeconds, "0.0"), report.Target("replay.ratio", naiveSeconds / oursSeconds, 10, atLeast: true));
        report.Row("replay", "storage writes during replay", Report.F(writes), Report.F(parked) + " (one per entry)");
        if (parked < depth)
        {
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"replay: the naive record holds only {parked:N0} parked messages ({Trim(failure)}); it replayed those in {naiveMeasured:0.00} s, " +
                $"scaled linearly to {depth:N0} = {naiveSeconds:0.00} s (a lower bound: its per-entry write grows with the record)."));
        }
    }

    private static string Trim(string? text)
    {
        var line = string.Join(' ', (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 160 ? line[..160] + "..." : line;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > ReplayDeadline)
            {
                throw new TimeoutException($"Timed out after {ReplayDeadline} waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }

    private async Task VerifyBalanceAsync(string transactionId, long expected)
    {
        var data = await _client.GetDataAsync<LedgerData>(transactionId);
        if (data?.Balance != expected)
        {
            throw new InvalidOperationException($"{transactionId}: balance {data?.Balance}, expected {expected}.");
        }
    }

    private async Task WarmUpAsync()
    {
        if (_warm)
        {
            return;
        }

        // JIT, GC and Azurite warm-up for the three grains the many scenario times, each on its own transactions, interleaved so
        // each table gains the same records. It runs for a time, not a count: after ~9 s (5,120 messages per grain) the arm timed
        // first still spent ~15% more CPU per message in this process than later ones (475-510 vs 405-445 us, server GC and tiered
        // JIT still settling), which cost it ~6% of its rate; after ~30 s the difference was gone.
        var transactions = options.ManyTransactions;
        await Work.RunAsync(transactions * options.ManyMessages, options.Concurrency, async i =>
        {
            var (id, message) = ($"warm-{i % transactions}", Work.Credit($"w{i / transactions}"));
            await _client.GetTransaction(id).SubmitAsync(message);
            await _client.GetGrain<INaiveBinaryGrain>(id).SubmitAsync(message);
            await _client.GetGrain<INaiveControlGrain>(id).SubmitAsync(message);
        }, options.WarmUp);
        _warm = true;
    }

    /// <summary>One arm of the many scenario: its own transactions, its totals and the CPU it cost.</summary>
    private sealed class ManyArm(string name, string keyPrefix, Func<string, TransactionMessage, Task<bool>> submit, BenchOptions options,
        int azuriteProcessId)
    {
        private TimeSpan _elapsed;
        private TimeSpan _selfCpu;
        private TimeSpan _azuriteCpu;

        public string Name { get; } = name;

        public int Done { get; private set; }

        public double Rate => Work.Rate(Done, _elapsed);

        public double SelfCpuUs => Done == 0 ? 0 : _selfCpu.TotalMicroseconds / Done;

        public double AzuriteCpuUs => Done == 0 ? 0 : _azuriteCpu.TotalMicroseconds / Done;

        public string TransactionId(int round, int transaction) =>
            string.Create(CultureInfo.InvariantCulture, $"{keyPrefix}{round}-{transaction}");

        public async Task RunRoundAsync(int round, int transactions)
        {
            var messages = options.ManyMessages;
            var notProcessed = 0;
            var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var azuriteBefore = Machine.CpuTime(azuriteProcessId);

            // Message k of every transaction before message k+1 of any: the same transaction is never submitted to twice at once
            // while callers < transactions, so no write can be shared.
            var (done, elapsed) = await Work.RunAsync(transactions * messages, options.Concurrency, async i =>
            {
                if (!await submit(TransactionId(round, i % transactions), Work.Credit($"m{i / transactions}")))
                {
                    Interlocked.Increment(ref notProcessed);
                }
            });
            if (notProcessed > 0)
            {
                throw new InvalidOperationException($"many: {notProcessed} messages were not Processed by the {Name} arm.");
            }

            Done += done;
            _elapsed += elapsed;
            _selfCpu += Process.GetCurrentProcess().TotalProcessorTime - selfBefore;
            _azuriteCpu += (Machine.CpuTime(azuriteProcessId) - azuriteBefore) ?? TimeSpan.Zero;
        }
    }

    private sealed class NaiveAppend(INaiveTransactionGrain grain)
    {
        public INaiveTransactionGrain Grain { get; } = grain;

        public SortedDictionary<int, double> Us { get; } = [];

        public int? FailedAt { get; private set; }

        public string? Error { get; private set; }

        private int _depth;

        public async Task MeasureAtAsync(int depth, int samples)
        {
            if (FailedAt is not null)
            {
                return;
            }

            try
            {
                while (_depth < depth)
                {
                    var n = Math.Min(100, depth - _depth);
                    try
                    {
                        await Grain.ParkManyAsync([.. Enumerable.Range(_depth, n).Select(i => Work.Credit($"a{i}"))]);
                        _depth += n;
                    }
                    catch (NaiveWriteFailedException)
                    {
                        // Find the exact depth with single appends.
                        for (var i = 0; i < n; i++)
                        {
                            await Append();
                        }
                    }
                }

                var clock = Stopwatch.StartNew();
                for (var k = 0; k < samples; k++)
                {
                    await Append();
                }

                Us[depth] = clock.Elapsed.TotalMicroseconds / samples;
            }
            catch (NaiveWriteFailedException ex)
            {
                FailedAt = (await Grain.GetStatusAsync()).PendingCount;
                Error = ex.Message;
            }
        }

        private async Task Append()
        {
            var outcome = await Grain.SubmitAsync(Work.Credit($"a{_depth}"));
            if (outcome != SubmitOutcome.Queued)
            {
                throw new InvalidOperationException($"naive append answered {outcome}.");
            }

            _depth++;
        }
    }
}
