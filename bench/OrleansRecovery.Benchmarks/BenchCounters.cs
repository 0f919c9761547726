using System.Diagnostics.Metrics;
using OrleansRecovery.Diagnostics;

namespace OrleansRecovery.Benchmarks;

/// <summary>A monotonic counter that can be awaited until it reaches a value (no polling, no fixed sleeps).</summary>
public sealed class AwaitableCounter
{
    private readonly object _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _value;
    private int _waiterCount;

    /// <summary>The current value.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Adds <paramref name="by"/> and releases the waiters whose target is reached.</summary>
    public void Increment(long by = 1)
    {
        var value = Interlocked.Add(ref _value, by);
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return;
        }

        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= value)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }

            _waiterCount = _waiters.Count;
        }
    }

    /// <summary>Completes when the value is at least <paramref name="target"/>.</summary>
    /// <exception cref="TimeoutException">Not reached within <paramref name="timeout"/>.</exception>
    public Task WaitForAsync(long target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Value >= target)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((target, done));
            _waiterCount = _waiters.Count;
        }

        if (Value >= target)
        {
            done.TrySetResult();
        }

        return done.Task.WaitAsync(timeout, cancellationToken);
    }
}

/// <summary>
/// Counters fed by the engine's own metrics (meter <c>OrleansRecovery</c>, read with a <see cref="MeterListener"/>) and by the
/// benchmark's plain consumer grain. Everything runs in this process, so the silo's instruments are visible here.
/// </summary>
public static class BenchCounters
{
    private static MeterListener? s_listener;

    /// <summary>Records written by the engine (<c>orleansrecovery.storage.writes</c>).</summary>
    public static AwaitableCounter StorageWrites { get; } = new();

    /// <summary>Engine answers with outcome Processed or Queued.</summary>
    public static AwaitableCounter OursAccepted { get; } = new();

    /// <summary>Engine answers with outcome Duplicate.</summary>
    public static AwaitableCounter OursDuplicates { get; } = new();

    /// <summary>Engine answers with outcome Rejected.</summary>
    public static AwaitableCounter OursRejected { get; } = new();

    /// <summary>Parked entries applied by the engine's replay.</summary>
    public static AwaitableCounter OursReplayed { get; } = new();

    /// <summary>Events received by <see cref="PlainConsumerGrain"/>.</summary>
    public static AwaitableCounter PlainReceived { get; } = new();

    /// <summary>Starts listening to the engine's meter (idempotent).</summary>
    public static void Start()
    {
        if (s_listener is not null)
        {
            return;
        }

        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RecoveryInstruments.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(OnMeasurement);
        listener.Start();
        s_listener = listener;
    }

    private static void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case RecoveryInstruments.StorageWrites:
                StorageWrites.Increment(value);
                break;
            case RecoveryInstruments.Replayed:
                OursReplayed.Increment(value);
                break;
            case RecoveryInstruments.Messages:
                string? outcome = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "outcome")
                    {
                        outcome = tag.Value as string;
                    }
                }

                var counter = outcome switch
                {
                    nameof(SubmitOutcome.Processed) or nameof(SubmitOutcome.Queued) => OursAccepted,
                    nameof(SubmitOutcome.Duplicate) => OursDuplicates,
                    _ => OursRejected,
                };
                counter.Increment(value);
                break;
            default:
                break;
        }
    }
}
