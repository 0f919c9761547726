using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// Raises every thread of the Azurite process above the CPU burners of a contended pass, and restores them on dispose. The
/// burners stand for a busy silo node; Azurite stands for Azure Storage, a remote service that the node's load does not slow.
/// Left at the burners' priority, Azurite is starved instead: on 2 cores with two burners the raw queue alone fell from 235 to
/// 30 msgs/s, with receive answers 22 s at p99 and 30–41 s at worst (past the 30 s visibility timeout); with Azurite raised,
/// 234 msgs/s and 1.5 s at worst. Every thread, because Linux priorities are per thread. Linux only, and it needs the right to
/// (root or CAP_SYS_NICE); otherwise the pass runs with Azurite starved too and the report says so.
/// </summary>
public sealed partial class AzuritePriority : IDisposable
{
    private const int PrioProcess = 0;
    private const int Raised = -10;
    private readonly List<(int Thread, int Previous)> raised;

    private AzuritePriority(List<(int Thread, int Previous)> raised, string description)
    {
        this.raised = raised;
        Description = description;
    }

    /// <summary>What was done, for the report's notes.</summary>
    public string Description { get; }

    /// <summary>Raises every thread of <paramref name="processId"/> to nice -10 when permitted.</summary>
    public static AzuritePriority Raise(int processId)
    {
        var done = new List<(int, int)>();
        if (!OperatingSystem.IsLinux())
        {
            return new AzuritePriority(done, "Azurite left at the burners' priority (not Linux): it is starved too, unlike remote storage");
        }

        string? failure = null;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                var thread = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                Marshal.SetLastPInvokeError(0);
                var previous = GetPriority(PrioProcess, thread);
                if (SetPriority(PrioProcess, thread, Raised) != 0)
                {
                    failure = $"setpriority failed with errno {Marshal.GetLastPInvokeError()}";
                    break;
                }

                done.Add((thread, previous));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            failure = ex.Message;
        }

        return failure is null && done.Count > 0
            ? new AzuritePriority(done, $"Azurite's {done.Count} threads at nice {Raised}, above the burners (remote storage is not slowed by the node's load)")
            : new AzuritePriority(done, $"Azurite left at the burners' priority ({failure ?? "no threads found"}): it is starved too, unlike remote storage");
    }

    /// <summary>Restores the previous priorities (threads that have exited since are skipped).</summary>
    public void Dispose()
    {
        foreach (var (thread, previous) in raised)
        {
            _ = SetPriority(PrioProcess, thread, previous);
        }

        raised.Clear();
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);
}
