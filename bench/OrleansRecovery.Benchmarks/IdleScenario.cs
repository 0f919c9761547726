using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// idle (issue 13): a fleet's memory. <see cref="BenchOptions.IdleTransactions"/> distinct transactions each receive one message
/// (one activation and one header write each), then nothing: the process's resident set per active transaction, and again after
/// Orleans' idle collection has deactivated them (collection age <see cref="BenchOptions.IdleCollectionAge"/>; a silo's is the
/// setting <c>Orleans:GrainCollection:CollectionAge</c> in silo-config). A cluster of its own on the batching layout (at 100,000
/// partitions Azurite's table slows to tens of writes per second; see docs/capacity.md), with that collection age.
/// </summary>
/// <remarks>
/// Memory is read after an aggressive full collection (blocking, compacting, free memory decommitted): the resident set
/// (<c>VmRSS</c>: what an operator's dashboard shows) and the managed heap (what the activations hold). The client and the
/// host's other cluster live in the same process; both figures are differences against a baseline read just before.
/// </remarks>
public sealed class IdleScenario(BenchHost host, BenchOptions options, Report report)
{
    private static readonly TimeSpan QuietDeadline = TimeSpan.FromMinutes(5);

    /// <summary>Touches the transactions, measures, waits for idle collection, measures again.</summary>
    public async Task RunAsync()
    {
        await using var cluster = await TransactionTestCluster.StartAsync<LedgerLogic>(host.ConnectionString, c =>
        {
            c.SiloCount = 1;
            c.QueueCount = 1;
            c.ConfigureAzureStorage = a =>
            {
                a.Batching.Enabled = true;
                a.Batching.TableName = "BenchIdleBuckets";
                a.Batching.BucketCount = options.IdleBuckets;
                a.QueueCount = 1;
            };
            c.ConfigureSilo = silo =>
            {
                silo.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
                // Touching 100,000 transactions takes minutes on Azurite, longer than the age measured: the silo's own age is
                // set beyond the run, and after the touch the benchmark waits the measured age and asks for the collection the
                // silo runs every quantum (ForceActivationCollection with that age), so no transaction leaves before all are touched.
                silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(2));
            };
            c.ConfigureClient = client => client.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        var client = cluster.Client;
        var management = client.GetGrain<IManagementGrain>(0);

        var before = Memory.Read();
        var activationsBefore = await TransactionActivationsAsync(management);
        var count = options.IdleTransactions;
        var touchedSoFar = 0;
        var progress = Stopwatch.StartNew();
        var (done, elapsed) = await Work.RunAsync(count, options.Concurrency, async i =>
        {
            if (Interlocked.Increment(ref touchedSoFar) % 10_000 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  idle: {touchedSoFar:N0} touched after {progress.Elapsed.TotalSeconds:0} s"));
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"idle-{i:D6}");
            var outcome = await TouchAsync(client.GetTransaction(id));
            if (outcome is not (SubmitOutcome.Processed or SubmitOutcome.Duplicate))
            {
                throw new InvalidOperationException($"idle: {id} answered {outcome}.");
            }
        });
        var active = await TransactionActivationsAsync(management) - activationsBefore;
        var touched = Memory.Read();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  idle: {done:N0} transactions touched at {Work.Rate(done, elapsed):N0}/s, {active:N0} active; waiting for idle collection ({options.IdleCollectionAge.TotalSeconds:0} s)"));

        var clock = Stopwatch.StartNew();
        await Task.Delay(options.IdleCollectionAge);
        await management.ForceActivationCollection(options.IdleCollectionAge);
        var remaining = await TransactionActivationsAsync(management) - activationsBefore;
        while (remaining > count / 100 && clock.Elapsed < options.IdleCollectionAge + QuietDeadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            remaining = await TransactionActivationsAsync(management) - activationsBefore;
        }

        var collectedAfter = clock.Elapsed;
        var idle = Memory.Read();
        double PerTx(double megabytes) => megabytes * 1024 * 1024 / Math.Max(1, active);
        var rssPerTx = PerTx(touched.RssMb - before.RssMb);
        var heapPerTx = PerTx(touched.HeapMb - before.HeapMb);
        report.Set("idle.rss_bytes_per_tx", rssPerTx);
        report.Set("idle.heap_bytes_per_tx", heapPerTx);
        report.Set("idle.rss_after_collection_mb", idle.RssMb - before.RssMb);
        report.Set("idle.heap_after_collection_mb", idle.HeapMb - before.HeapMb);
        report.Set("idle.remaining_activations", remaining);
        report.Row("idle", $"RSS per active transaction ({active:N0} active)", Report.F(rssPerTx) + " B",
            $"managed heap {Report.F(heapPerTx)} B/tx; +{Report.F(touched.RssMb - before.RssMb)} MiB RSS in all");
        report.Row("idle", $"after idle collection ({collectedAfter.TotalSeconds:0} s, age {options.IdleCollectionAge.TotalSeconds:0} s)",
            $"{Signed(idle.RssMb - before.RssMb)} MiB RSS", $"heap {Signed(idle.HeapMb - before.HeapMb)} MiB; {remaining:N0} still active");
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"idle: differences against the process before the touch (RSS {before.RssMb:0} MiB, heap {before.HeapMb:0} MiB), each read after an aggressive full GC (compacting, free memory decommitted); native memory the runtime and Orleans keep (thread stacks, pools, the message center) is not returned."));
        if (remaining > count / 100)
        {
            throw new TimeoutException($"idle: {remaining:N0} of {active:N0} transactions were still active {collectedAfter.TotalSeconds:0} s after the touch.");
        }
    }

    private static async Task<int> TransactionActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("TransactionGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    /// <summary>A difference with its sign (the resident set can end below where it began).</summary>
    private static string Signed(double value) => (value >= 0 ? "+" : "") + Report.F(value);

    /// <summary>The process's resident set and managed heap, after an aggressive (decommitting) full collection.</summary>
    private readonly record struct Memory(double RssMb, double HeapMb)
    {
        public static Memory Read()
        {
            // Aggressive: compacts every generation and decommits what is free, so RSS shows live memory rather than what the
            // server GC keeps committed for the next allocations.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return new Memory(Machine.SelfRssMb(), GC.GetTotalMemory(forceFullCollection: false) / 1024.0 / 1024.0);
        }
    }

    /// <summary>
    /// One touch, resent while it times out (same message id: a repeat is answered Duplicate) for up to 5 minutes. On Azurite the
    /// touch slows as the table grows, and a full run lost its figures to one call of 100,000 that met the 30 s response timeout.
    /// </summary>
    private static Task<SubmitOutcome> TouchAsync(ITransactionGrain transaction) =>
        Work.ResendWhileLostAsync(async () => (await transaction.SubmitAsync(Work.Credit("i"))).Outcome,
            ex => ex is TimeoutException or OperationCanceledException, TimeSpan.FromMinutes(5));
}
