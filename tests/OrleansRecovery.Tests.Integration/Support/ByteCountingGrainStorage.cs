using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// Forwards to the real storage and records, for every completed write, its state name, grain and size: the record serialized
/// with the silo's Orleans serializer, the same bytes the transaction storage stores (<c>ExactSizeGrainStorageSerializer</c>).
/// A clear is recorded with size 0.
/// </summary>
public sealed class ByteCountingGrainStorage(IGrainStorage inner, Serializer serializer) : IGrainStorage
{
    /// <summary>Completed writes (and clears, size 0), in order.</summary>
    public ConcurrentQueue<(string StateName, GrainId GrainId, int Bytes)> Writes { get; } = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        Writes.Enqueue((stateName, grainId, serializer.SerializeToArray(grainState.State).Length));
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.ClearStateAsync(stateName, grainId, grainState);
        Writes.Enqueue((stateName, grainId, 0));
    }
}
