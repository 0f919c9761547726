using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansRecovery.Benchmarks;

/// <summary>What the benchmark ran on, and how much memory it used.</summary>
public static class Machine
{
    /// <summary>Logical processors.</summary>
    public static int Cores => Environment.ProcessorCount;

    /// <summary>Total physical memory in GiB (MemTotal, else what the GC sees).</summary>
    public static double MemoryGb
    {
        get
        {
            var kb = ReadKb("/proc/meminfo", "MemTotal:");
            return kb is { } k ? k / 1024.0 / 1024.0 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0 / 1024.0;
        }
    }

    /// <summary>One line describing the machine.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores, {MemoryGb:F1} GiB RAM, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

    /// <summary>Peak resident set of this process in MiB (VmHWM, else PeakWorkingSet64).</summary>
    public static double SelfPeakRssMb()
    {
        var kb = ReadKb("/proc/self/status", "VmHWM:");
        if (kb is { } k)
        {
            return k / 1024.0;
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Current resident set of this process in MiB (VmRSS, else WorkingSet64).</summary>
    public static double SelfRssMb()
    {
        if (ReadKb("/proc/self/status", "VmRSS:") is { } k)
        {
            return k / 1024.0;
        }

        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Peak resident set of another process in MiB (VmHWM), or null.</summary>
    public static double? PeakRssMb(int pid) => ReadKb($"/proc/{pid}/status", "VmHWM:") is { } k ? k / 1024.0 : null;

    /// <summary>CPU time (user + system) a process has used so far, or null when unknown (not Linux, or it has exited).</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the parenthesised command name.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? ReadKb(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var digits = new string(line.AsSpan(key.Length).ToArray().Where(char.IsDigit).ToArray());
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
