using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Benchmarks;

// The side-by-side benchmark of issue 5: one process, one in-memory Azurite, one cluster; "ours" (TransactionGrain + LedgerLogic
// as shipped), "naive" (NaiveGrains.cs) and "raw" (Azure SDK) on the same storage. Exit code 0 = every scenario ran and passed its
// correctness checks (and, with --check-targets, met its targets); 1 = a scenario failed; 2 = bad arguments.
if (args is [Contention.BurnArgument, var parent])
{
    return Contention.Burn(int.Parse(parent, CultureInfo.InvariantCulture));
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var wall = Stopwatch.StartNew();
BenchCounters.Start();
SlowStorageResponses.Start();
Console.WriteLine($"OrleansRecovery benchmark ({(options.Quick ? "quick" : "full")}) on {Machine.Describe()}");
if (options.StreamSweep)
{
    return await StreamSweep.RunAsync(options);
}

var report = new Report { Quick = options.Quick };
double? azuritePeak = null;
await using (var host = await BenchHost.StartAsync(options))
{
    Console.WriteLine($"Azurite {(options.AzuriteLocation is null ? "in memory" : "on disk")}, {options.Silos} silo(s), cluster up after {wall.Elapsed.TotalSeconds:0.0} s");
    var client = new ClientScenarios(host, options, report);
    var stream = new StreamScenarios(options, report); // on an Azurite and cluster of its own (see the class)
    var outage = new OutageScenario(host, options, report, client);
    var fleet = new FleetScenario(host, options, report);
    var idle = new IdleScenario(host, options, report);
    var scenarios = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
    {
        ["many"] = client.ManyAsync,
        ["hot"] = client.HotAsync,
        ["append"] = client.AppendAsync,
        ["replay"] = client.ReplayAsync,
        ["stream"] = stream.RunAsync,
        ["outage"] = outage.RunAsync,
        ["fleet"] = fleet.RunAsync,
        ["idle"] = idle.RunAsync,
    };
    foreach (var name in BenchOptions.AllScenarios.Where(options.Scenarios.Contains))
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"[{wall.Elapsed.TotalSeconds,6:0.0} s] {name} ...");
        try
        {
            await scenarios[name]();
            Console.WriteLine($"[{wall.Elapsed.TotalSeconds,6:0.0} s] {name} done in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        catch (Exception ex)
        {
            report.Failures.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
            Console.WriteLine($"[{wall.Elapsed.TotalSeconds,6:0.0} s] {name} FAILED after {clock.Elapsed.TotalSeconds:0.0} s: {ex}");
        }
    }

    azuritePeak = host.AzuritePeakMb();
}

report.Notes.Add($"storage over the whole run: the Azure SDK saw {SlowStorageResponses.Since(0)}");
var peak = Machine.SelfPeakRssMb();
report.Set("rss.peak_mb", peak);
report.Row("rss", "peak RSS MiB (benchmark process: client + silo)", Report.F(peak), $"Azurite {Report.F(azuritePeak)}");
Console.WriteLine();
Console.WriteLine(report.Render(string.Create(CultureInfo.InvariantCulture,
    $"## OrleansRecovery benchmark, {(options.Quick ? "quick" : "full")} run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {wall.Elapsed.TotalSeconds:0} s\n" +
    $"Machine: {Machine.Describe()}; Azurite 3.37.0 {(options.AzuriteLocation is null ? "in memory" : "on disk")}, {options.Silos} silo(s)\n")));
if (options.JsonPath is { } path)
{
    var full = Path.GetFullPath(path);
    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
    await File.WriteAllTextAsync(full, report.ToJson());
    Console.WriteLine($"JSON written to {full}");
}

Console.WriteLine($"Wall time {wall.Elapsed.TotalSeconds:0.0} s");
return report.Failures.Count > 0 || (options.CheckTargets && report.Missed.Count > 0) ? 1 : 0;
