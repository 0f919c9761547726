using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansRecovery.Testing;

/// <summary>
/// Armed failures for <see cref="InterceptingGrainStorage"/>: the next N writes (or clears) of a grain's records throw, as a
/// storage outage would. Share one instance between a test and its silos (they run in the test's process).
/// </summary>
/// <example><c>options.WrapStorage = (_, inner) =&gt; new InterceptingGrainStorage(inner, faults.BeforeWrite);</c></example>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<GrainId, Armed> _armed = new();

    /// <summary>Makes the next <paramref name="times"/> writes of <paramref name="grainId"/>'s records whose state name matches fail.</summary>
    public void FailNextWrites(GrainId grainId, int times, Func<string, bool>? stateName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        _armed[grainId] = new Armed(times, stateName ?? (_ => true));
    }

    /// <summary>Disarms every failure for <paramref name="grainId"/>.</summary>
    public void Clear(GrainId grainId) => _armed.TryRemove(grainId, out _);

    /// <summary>How many armed failures of <paramref name="grainId"/> are left.</summary>
    public int Remaining(GrainId grainId) => _armed.TryGetValue(grainId, out var armed) ? armed.Remaining : 0;

    /// <summary>How many injected failures were thrown so far, for every grain.</summary>
    public int Thrown => _thrown;

    private int _thrown;

    /// <summary>The hook to give <see cref="InterceptingGrainStorage"/>: throws while a failure is armed for the grain and state name.</summary>
    public Task BeforeWrite(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        if (_armed.TryGetValue(grainId, out var armed) && armed.Matches(stateName) && armed.TryConsume())
        {
            Interlocked.Increment(ref _thrown);
            throw new InjectedStorageFailureException($"Injected storage failure writing '{stateName}' of {grainId}.");
        }

        return Task.CompletedTask;
    }

    private sealed class Armed(int times, Func<string, bool> matches)
    {
        private int _remaining = times;

        public int Remaining => Volatile.Read(ref _remaining);

        public bool Matches(string stateName) => matches(stateName);

        public bool TryConsume()
        {
            while (true)
            {
                var current = Volatile.Read(ref _remaining);
                if (current <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
                {
                    return true;
                }
            }
        }
    }
}

/// <summary>A storage failure injected by <see cref="StorageFaults"/> (serializable, so callers see it as it is).</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Testing.InjectedStorageFailureException")]
public sealed class InjectedStorageFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InjectedStorageFailureException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InjectedStorageFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InjectedStorageFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
