using Orleans.Storage;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>
/// Keeps each "serialized" record as the object itself and hands out its number as the bytes, as <see cref="InMemoryGrainStorage"/>
/// keeps objects: the store simulations check how records are stored and loaded, not how they are encoded (the integration
/// tests store the real serializer's bytes on Azurite), and their logic's data has no Orleans codec.
/// </summary>
internal sealed class ReferenceRecordSerializer : IGrainStorageSerializer
{
    private readonly Dictionary<long, object?> _records = [];

    public BinaryData Serialize<T>(T? input)
    {
        lock (_records)
        {
            var id = _records.Count + 1L;
            _records[id] = input;
            return new BinaryData(BitConverter.GetBytes(id));
        }
    }

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (_records)
        {
            return (T?)_records[BitConverter.ToInt64(input.ToArray())];
        }
    }
}
