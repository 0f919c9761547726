using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansRecovery.Storage;

/// <summary>
/// The Orleans binary storage serializer, writing each record into one array of exactly its size. The bytes are the same as
/// <see cref="OrleansGrainStorageSerializer"/>'s (records are interchangeable), but that one grows a fresh
/// <c>ArrayBufferWriter</c> from 256 bytes by doubling for every write, which for a transaction header (rewritten with every
/// message) meant up to three arrays and copies per write; this one serializes into pooled memory and copies once.
/// </summary>
internal sealed class ExactSizeGrainStorageSerializer : IGrainStorageSerializer
{
    private readonly Serializer _serializer;

    /// <summary>Creates the serializer over the silo's Orleans <see cref="Serializer"/>.</summary>
    public ExactSizeGrainStorageSerializer(Serializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        _serializer = serializer;
    }

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => new(_serializer.SerializeToArray(input));

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _serializer.Deserialize<T>(input.ToMemory());
    }
}
