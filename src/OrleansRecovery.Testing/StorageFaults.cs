using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansRecovery.Testing;

/// <summary>
/// Armed failures for <see cref="InterceptingGrainStorage"/>, per grain and state name, for a count of times: a write (or clear)
/// that fails <em>before</em> it reaches storage (<see cref="FailNextWrites"/>), a write that fails <em>after</em> it was stored
/// (<see cref="FailNextWritesAfterStoring"/>: the caller sees an error although the write happened), a write held after it was
/// stored until the test lets it go (<see cref="HoldNextWriteAfterStoring"/>, e.g. to kill the silo in between), and a read that
/// fails (<see cref="FailNextReads"/>). Share one instance between a test and its silos (they run in the test's process).
/// </summary>
/// <example><c>options.WrapStorage = (_, inner) =&gt; faults.Wrap(inner);</c> (or
/// <c>new InterceptingGrainStorage(inner, faults.BeforeWrite)</c> for before-write failures only).</example>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<GrainId, Armed> _armed = new();
    private readonly ConcurrentDictionary<GrainId, Armed> _armedAfter = new();
    private readonly ConcurrentDictionary<GrainId, Armed> _armedReads = new();
    private readonly ConcurrentDictionary<GrainId, WriteHold> _holds = new();
    private int _thrown;
    private int _thrownAfter;
    private int _thrownReads;

    /// <summary>Makes the next <paramref name="times"/> writes of <paramref name="grainId"/>'s records whose state name matches fail
    /// before they reach storage.</summary>
    public void FailNextWrites(GrainId grainId, int times, Func<string, bool>? stateName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        _armed[grainId] = new Armed(times, stateName ?? (_ => true));
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> writes (or clears) of <paramref name="grainId"/>'s records whose state name matches
    /// fail after they were stored: the write happened, but the caller sees an <see cref="InjectedStorageFailureException"/>.
    /// </summary>
    public void FailNextWritesAfterStoring(GrainId grainId, int times, Func<string, bool>? stateName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        _armedAfter[grainId] = new Armed(times, stateName ?? (_ => true));
    }

    /// <summary>Makes the next <paramref name="times"/> reads of <paramref name="grainId"/>'s records whose state name matches fail.</summary>
    public void FailNextReads(GrainId grainId, int times, Func<string, bool>? stateName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        _armedReads[grainId] = new Armed(times, stateName ?? (_ => true));
    }

    /// <summary>
    /// Holds the next write of <paramref name="grainId"/>'s records whose state name matches after it was stored: the write
    /// does not return until <see cref="WriteHold.Release"/>, and then fails with an <see cref="InjectedStorageFailureException"/>.
    /// <see cref="WriteHold.Stored"/> completes once the write is in storage, so a test can kill the silo in between.
    /// </summary>
    public WriteHold HoldNextWriteAfterStoring(GrainId grainId, Func<string, bool>? stateName = null)
    {
        var hold = new WriteHold(stateName ?? (_ => true));
        _holds[grainId] = hold;
        return hold;
    }

    /// <summary>Disarms every failure and hold for <paramref name="grainId"/> (a hold already taken is released).</summary>
    public void Clear(GrainId grainId)
    {
        _armed.TryRemove(grainId, out _);
        _armedAfter.TryRemove(grainId, out _);
        _armedReads.TryRemove(grainId, out _);
        if (_holds.TryRemove(grainId, out var hold))
        {
            hold.Release();
        }
    }

    /// <summary>How many armed before-write failures of <paramref name="grainId"/> are left.</summary>
    public int Remaining(GrainId grainId) => _armed.TryGetValue(grainId, out var armed) ? armed.Remaining : 0;

    /// <summary>How many armed after-write failures of <paramref name="grainId"/> are left.</summary>
    public int RemainingAfterStoring(GrainId grainId) => _armedAfter.TryGetValue(grainId, out var armed) ? armed.Remaining : 0;

    /// <summary>How many armed read failures of <paramref name="grainId"/> are left.</summary>
    public int RemainingReads(GrainId grainId) => _armedReads.TryGetValue(grainId, out var armed) ? armed.Remaining : 0;

    /// <summary>How many injected before-write failures were thrown so far, for every grain.</summary>
    public int Thrown => Volatile.Read(ref _thrown);

    /// <summary>How many injected after-write failures (held writes included) were thrown so far, for every grain.</summary>
    public int ThrownAfterStoring => Volatile.Read(ref _thrownAfter);

    /// <summary>How many injected read failures were thrown so far, for every grain.</summary>
    public int ThrownReads => Volatile.Read(ref _thrownReads);

    /// <summary>Wraps <paramref name="inner"/> in an <see cref="InterceptingGrainStorage"/> that applies every kind of fault armed here.</summary>
    public InterceptingGrainStorage Wrap(IGrainStorage inner) => new(inner, BeforeWrite, AfterWrite, BeforeRead);

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

    /// <summary>
    /// The after-write hook to give <see cref="InterceptingGrainStorage"/> (it runs once the inner write succeeded): throws while
    /// an after-write failure is armed for the grain and state name, and waits for a hold's release first.
    /// </summary>
    public async Task AfterWrite(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        if (_holds.TryGetValue(grainId, out var hold) && hold.Matches(stateName) && _holds.TryRemove(new(grainId, hold)))
        {
            hold.MarkStored();
            await hold.Released.ConfigureAwait(false);
            Interlocked.Increment(ref _thrownAfter);
            throw new InjectedStorageFailureException(
                $"Injected storage failure after writing '{stateName}' of {grainId} (held; the write was stored).");
        }

        if (_armedAfter.TryGetValue(grainId, out var armed) && armed.Matches(stateName) && armed.TryConsume())
        {
            Interlocked.Increment(ref _thrownAfter);
            throw new InjectedStorageFailureException(
                $"Injected storage failure after writing '{stateName}' of {grainId} (the write was stored).");
        }
    }

    /// <summary>The read hook to give <see cref="InterceptingGrainStorage"/>: throws while a read failure is armed for the grain and state name.</summary>
    public Task BeforeRead(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        if (_armedReads.TryGetValue(grainId, out var armed) && armed.Matches(stateName) && armed.TryConsume())
        {
            Interlocked.Increment(ref _thrownReads);
            throw new InjectedStorageFailureException($"Injected storage failure reading '{stateName}' of {grainId}.");
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

/// <summary>A write held after it reached storage (see <see cref="StorageFaults.HoldNextWriteAfterStoring"/>).</summary>
public sealed class WriteHold
{
    private readonly Func<string, bool> _matches;
    private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal WriteHold(Func<string, bool> matches) => _matches = matches;

    /// <summary>Completes once the held write is in storage (and its caller is waiting for an answer).</summary>
    public Task Stored => _stored.Task;

    internal Task Released => _released.Task;

    /// <summary>Lets the held write return, with an injected failure. Safe to call more than once, and before the write came.</summary>
    public void Release() => _released.TrySetResult();

    internal bool Matches(string stateName) => _matches(stateName);

    internal void MarkStored() => _stored.TrySetResult();
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
