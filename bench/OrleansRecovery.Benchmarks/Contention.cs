namespace OrleansRecovery.Benchmarks;

/// <summary>
/// CPU-burning threads beside the benchmark (<c>--contend N</c>): a node busy with other work, as users' nodes are. Each is a
/// dedicated normal-priority thread (not a thread-pool thread, so it competes with the silo the way another process would,
/// without starving the pool's own workers of queue slots) spinning on arithmetic until disposed.
/// </summary>
public sealed class Contention : IDisposable
{
    private readonly List<Thread> threads = [];
    private volatile bool stop;

    private Contention(int threadCount)
    {
        for (var i = 0; i < threadCount; i++)
        {
            var thread = new Thread(Burn) { IsBackground = true, Name = $"bench-contend-{i}" };
            threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Burning threads now running.</summary>
    public int Threads => threads.Count;

    /// <summary>Starts <paramref name="threadCount"/> burning threads (none when 0).</summary>
    public static Contention Start(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        return new Contention(threadCount);
    }

    private void Burn()
    {
        var x = 1.0;
        while (!stop)
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = (x * 1.000001) + 1e-9;
            }

            if (x > 1e300)
            {
                x = 1.0;
            }
        }
    }

    /// <summary>Stops the threads and waits for them.</summary>
    public void Dispose()
    {
        stop = true;
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
