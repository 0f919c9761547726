using System.Diagnostics;
using System.Globalization;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// The stream investigation (<c>--stream-sweep</c>): the sustained run under several provider and producer settings, each on a
/// fresh Azurite and cluster so no backlog carries over. Prints one row per setting.
/// </summary>
public static class StreamSweep
{
    /// <summary>Runs the sweep; settings come from the <c>STREAM_SWEEP</c> environment variable or a built-in list.</summary>
    public static async Task<int> RunAsync(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Each entry: queues,pollMs,batchContainer,window(0 = unbounded),publishBatch[,cacheSize]
        var spec = Environment.GetEnvironmentVariable("STREAM_SWEEP")
            ?? "4,100,1,0,1;4,100,1,400,1;8,100,1,400,1;8,50,8,400,1;8,50,8,1000,10";
        var rows = new List<string>();
        foreach (var entry in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var v = entry.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var o = options.WithStream(v[0], TimeSpan.FromMilliseconds(v[1]), v[2], v[3], v[4], v.Length > 5 && v[5] > 0 ? v[5] : null);
            var clock = Stopwatch.StartNew();
            string row;
            try
            {
                await using var host = await BenchHost.StartAsync(o);
                var run = await StreamScenarios.SustainedAsync(host, o, "sweep");
                row = string.Create(CultureInfo.InvariantCulture,
                    $"| {StreamScenarios.Settings(o)} | {run.Consumed:N0}/{run.Events:N0} in {run.Elapsed.TotalSeconds:0.0} s | " +
                    $"{run.EventsPerSecond:N0} | {run.MaxBacklog:N0} | {run.PublishP95Ms:0} / {run.PublishMaxMs:0} | {run.Duplicates:N0} | {run.Error} |");
            }
            catch (Exception ex)
            {
                row = $"| {StreamScenarios.Settings(o)} | FAILED {ex.GetType().Name}: {ex.Message.Split('\n')[0]} | | | | | |";
            }

            Console.WriteLine(row + $"  ({clock.Elapsed.TotalSeconds:0} s)");
            rows.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine("| settings | consumed | events/s | max backlog | publish p95/max ms | duplicates | stopped by |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }
}
