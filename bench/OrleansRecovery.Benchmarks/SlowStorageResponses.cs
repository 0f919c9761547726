using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// The Azure SDK's own record of slow storage answers: it raises a warning event (<c>ResponseDelay</c>, source
/// <c>Azure-Core</c>) for every response that took more than 3 s. Silo, client and raw arms all run in this process, so this sees
/// every table and queue request the benchmark makes. A scenario snapshots it around a phase to tell whether a slow call of its
/// own waited on storage (Azurite holding one request) or on something in the cluster.
/// </summary>
/// <remarks>
/// Only warning-level events are enabled: the SDK formats nothing for a request answered in time with success, but it does
/// format its error-response warnings (a 412 on a lost race), which cost a little in the outage scenario. The full run in the
/// README's table ran before this listener existed.
/// </remarks>
internal static class SlowStorageResponses
{
    private static readonly object Gate = new();
    private static readonly List<double> Seconds = []; // one entry per slow response: about 1,500 in a full-size outage run
    private static AzureEventSourceListener? _listener;

    /// <summary>Starts listening (once per process).</summary>
    public static void Start()
    {
        lock (Gate)
        {
            _listener ??= new AzureEventSourceListener(OnEvent, EventLevel.Warning);
        }
    }

    /// <summary>A mark to pass to <see cref="Since"/>: the slow responses seen so far.</summary>
    public static int Mark()
    {
        lock (Gate)
        {
            return Seconds.Count;
        }
    }

    /// <summary>The slow responses seen since <paramref name="mark"/>, and the slowest of them, in words.</summary>
    public static string Since(int mark)
    {
        lock (Gate)
        {
            var since = Seconds.Skip(mark).ToList();
            return since.Count == 0
                ? "no storage response slower than 3 s"
                : $"{since.Count:N0} storage responses slower than 3 s, the slowest {since.Max():0.0} s";
        }
    }

    private static void OnEvent(EventWrittenEventArgs e, string message)
    {
        if (e.EventName != "ResponseDelay" || e.Payload is not [_, double seconds, ..])
        {
            return;
        }

        lock (Gate)
        {
            Seconds.Add(seconds);
        }
    }
}
