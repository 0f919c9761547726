using System.Globalization;
using Orleans.Storage;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>
/// An <see cref="IGrainStorage"/> in memory with the ETag semantics of a table store: a write with a null ETag inserts and fails
/// when the record exists; a write with an ETag updates and fails when the stored ETag differs (or the record is gone); a clear
/// with an ETag fails on a mismatch and deletes the record. Every successful write gets a fresh ETag.
/// </summary>
internal sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(GrainId Grain, string Name), (object? State, string ETag)> _records = [];
    private long _nextETag;

    /// <summary>Successful writes (inserts and updates).</summary>
    public int Writes { get; private set; }

    /// <summary>Writes and clears refused because of an ETag conflict.</summary>
    public int Conflicts { get; private set; }

    /// <summary>How many records <paramref name="grainId"/> has.</summary>
    public int RecordCount(GrainId grainId) => _records.Keys.Count(k => k.Grain.Equals(grainId));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (_records.TryGetValue((grainId, stateName), out var record))
        {
            grainState.State = (T)record.State!;
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = (grainId, stateName);
        var exists = _records.TryGetValue(key, out var record);
        if (grainState.ETag is null ? exists : !exists || !string.Equals(record.ETag, grainState.ETag, StringComparison.Ordinal))
        {
            Conflicts++;
            throw new InconsistentStateException(
                $"ETag conflict writing '{stateName}' of {grainId}: stored {(exists ? record.ETag : "(none)")}, given {grainState.ETag ?? "(null)"}.",
                exists ? record.ETag : string.Empty, grainState.ETag ?? string.Empty);
        }

        var eTag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
        _records[key] = (grainState.State, eTag);
        grainState.ETag = eTag;
        grainState.RecordExists = true;
        Writes++;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = (grainId, stateName);
        if (_records.TryGetValue(key, out var record))
        {
            if (grainState.ETag is not null && !string.Equals(record.ETag, grainState.ETag, StringComparison.Ordinal))
            {
                Conflicts++;
                throw new InconsistentStateException(
                    $"ETag conflict clearing '{stateName}' of {grainId}: stored {record.ETag}, given {grainState.ETag}.",
                    record.ETag, grainState.ETag);
            }

            _records.Remove(key);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
