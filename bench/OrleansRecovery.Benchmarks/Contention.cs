using System.Diagnostics;
using System.Globalization;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// CPU-burning processes beside the benchmark (<c>--contend N</c>): a node busy with other work, as users' nodes are. Each is
/// this benchmark started again with <see cref="BurnArgument"/> and its own process id, one normal-priority thread spinning on arithmetic until killed.
/// Processes rather than threads of the benchmark: other work on a node runs in other processes, and a thread spinning inside
/// the silo's process would also have to be suspended at each of its garbage collections, a cost other work does not add.
/// </summary>
public sealed class Contention : IDisposable
{
    /// <summary>The argument that makes the benchmark a burner (handled first thing in Program.cs).</summary>
    public const string BurnArgument = "--burn";

    private readonly List<Process> processes = [];

    private Contention(int count)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var entry = typeof(Contention).Assembly.Location;
        for (var i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo(host) { UseShellExecute = false };
            if (Path.GetFileName(host) is "dotnet" or "dotnet.exe")
            {
                // Run as `dotnet OrleansRecovery.Benchmarks.dll`: the benchmark is the host's first argument. Run by its apphost
                // (`dotnet run`, scripts/bench.sh), the process is the benchmark itself and takes the burn argument first.
                start.ArgumentList.Add(entry);
            }

            start.ArgumentList.Add(BurnArgument);
            start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            processes.Add(Process.Start(start) ?? throw new InvalidOperationException($"Could not start burner {start.FileName}."));
        }

        // A burner that exits at once (a wrong command line, as when this ran under `dotnet run` and passed the dll twice) would
        // leave the pass uncontended and its figures wrong without a word; fail it instead.
        var settled = Stopwatch.StartNew();
        foreach (var burner in processes)
        {
            var left = TimeSpan.FromSeconds(1) - settled.Elapsed;
            if (burner.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                var message = $"A CPU-burning process ({burner.StartInfo.FileName} {string.Join(' ', burner.StartInfo.ArgumentList)}) " +
                    $"exited at once with code {burner.ExitCode}.";
                Dispose();
                throw new InvalidOperationException(message);
            }
        }
    }

    /// <summary>Burning processes now running.</summary>
    public int Count => processes.Count;

    /// <summary>Starts <paramref name="count"/> burning processes (none when 0).</summary>
    public static Contention Start(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new Contention(count);
    }

    /// <summary>
    /// Spins on arithmetic until killed, or until the benchmark process <paramref name="parentId"/> is gone (checked about once a
    /// second), so that a benchmark that crashed leaves no burner behind.
    /// </summary>
    public static int Burn(int parentId)
    {
        var x = 1.0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = (x * 1.000001) + 1e-9;
            }

            if (x > 1e300)
            {
                x = 1.0;
            }

            if (clock.ElapsedMilliseconds > 1_000)
            {
                clock.Restart();
                if (!IsRunning(parentId))
                {
                    return 0;
                }
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Kills the burners and waits for them.</summary>
    public void Dispose()
    {
        foreach (var process in processes)
        {
            try
            {
                process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            process.Dispose();
        }
    }
}
