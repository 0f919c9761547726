using System.Net;
using System.Net.Sockets;

namespace OrleansRecovery.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for processes a test starts (Azurite, silos).</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// Returns <paramref name="count"/> distinct free loopback ports. Every listener is held until all are chosen, so the same
    /// port is not handed out twice; another process can still take one before it is used, so callers retry on a bind failure.
    /// </summary>
    public static int[] Free(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
