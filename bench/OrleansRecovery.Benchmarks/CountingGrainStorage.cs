using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// Wraps the engine's grain storage provider and counts reads, writes and clears by kind of record (the state name without a
/// trailing page or segment number: <c>txn</c>, <c>txn-pending</c>, <c>registry</c>, <c>campaign</c>, <c>campaign-members</c>,
/// <c>scope</c>), and the bytes of every written record whose state name starts with <c>registry</c> (serialized again with the
/// silo's Orleans serializer: the same bytes the engine's <c>ExactSizeGrainStorageSerializer</c> hands to the Azure Table
/// provider). Reminders and stream queue messages do not pass through grain storage and are not counted here.
/// </summary>
public sealed class CountingGrainStorage(IGrainStorage inner, Serializer serializer) : IGrainStorage
{
    /// <summary>The counts of every silo in this process.</summary>
    public static StorageTally Tally { get; } = new();

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        Tally.Add(stateName, StorageOp.Read);
        return inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        var bytes = stateName.StartsWith("registry", StringComparison.Ordinal) ? serializer.SerializeToArray(grainState.State).Length : 0;
        Tally.Add(stateName, StorageOp.Write, bytes);
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        Tally.Add(stateName, StorageOp.Clear);
    }
}

/// <summary>A storage operation.</summary>
public enum StorageOp
{
    /// <summary>ReadStateAsync.</summary>
    Read,

    /// <summary>WriteStateAsync.</summary>
    Write,

    /// <summary>ClearStateAsync.</summary>
    Clear,
}

/// <summary>Counts per kind of record; <see cref="Snapshot"/> and <see cref="Since"/> give the operations of a phase.</summary>
public sealed class StorageTally
{
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    /// <summary>The kind of a state name: without a trailing "-digits" (a page or segment number).</summary>
    public static string KindOf(string stateName)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        var dash = stateName.LastIndexOf('-');
        return dash > 0 && dash < stateName.Length - 1 && stateName.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0
            ? stateName[..dash]
            : stateName;
    }

    /// <summary>Counts one operation (and the bytes written).</summary>
    public void Add(string stateName, StorageOp op, long bytes = 0)
    {
        var slot = _counts.GetOrAdd(KindOf(stateName), _ => new long[4]);
        Interlocked.Increment(ref slot[(int)op]);
        if (bytes > 0)
        {
            Interlocked.Add(ref slot[3], bytes);
        }
    }

    /// <summary>The counts so far: kind → (reads, writes, clears, bytes written that were measured).</summary>
    public Dictionary<string, StorageCounts> Snapshot() =>
        _counts.ToDictionary(kv => kv.Key, kv => new StorageCounts(
            Interlocked.Read(ref kv.Value[0]), Interlocked.Read(ref kv.Value[1]), Interlocked.Read(ref kv.Value[2]), Interlocked.Read(ref kv.Value[3])),
            StringComparer.Ordinal);

    /// <summary>The operations since <paramref name="before"/> (a snapshot), kinds without any left out.</summary>
    public Dictionary<string, StorageCounts> Since(Dictionary<string, StorageCounts> before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var result = new Dictionary<string, StorageCounts>(StringComparer.Ordinal);
        foreach (var (kind, now) in Snapshot())
        {
            var was = before.GetValueOrDefault(kind, default);
            var diff = new StorageCounts(now.Reads - was.Reads, now.Writes - was.Writes, now.Clears - was.Clears, now.Bytes - was.Bytes);
            if (diff.Reads + diff.Writes + diff.Clears > 0)
            {
                result[kind] = diff;
            }
        }

        return result;
    }
}

/// <summary>Operations on one kind of record.</summary>
public readonly record struct StorageCounts(long Reads, long Writes, long Clears, long Bytes);
