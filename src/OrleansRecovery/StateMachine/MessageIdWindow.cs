using System.Buffers.Binary;
using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// The bounded, immutable set of the most recently admitted message ids (as hashes), oldest first. Adding beyond the capacity
/// forgets the oldest id.
/// </summary>
public sealed class MessageIdWindow
{
    private readonly ImmutableQueue<ulong> _order;
    private readonly ImmutableHashSet<ulong> _set;

    private MessageIdWindow(int capacity, ImmutableQueue<ulong> order, ImmutableHashSet<ulong> set, int count)
    {
        Capacity = capacity;
        _order = order;
        _set = set;
        Count = count;
    }

    /// <summary>How many ids are remembered at most.</summary>
    public int Capacity { get; }

    /// <summary>How many ids are remembered now.</summary>
    public int Count { get; }

    /// <summary>An empty window.</summary>
    public static MessageIdWindow Empty(int capacity) =>
        new(capacity, ImmutableQueue<ulong>.Empty, ImmutableHashSet<ulong>.Empty, 0);

    /// <summary>A window holding <paramref name="hashes"/> (oldest first), trimmed to <paramref name="capacity"/>.</summary>
    public static MessageIdWindow From(int capacity, IEnumerable<ulong> hashes)
    {
        var window = Empty(capacity);
        foreach (var hash in hashes)
        {
            window = window.Add(hash);
        }

        return window;
    }

    /// <summary>
    /// A window holding the ids packed by <see cref="ToPacked"/> (oldest first), trimmed to <paramref name="capacity"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The length is not a multiple of 8 bytes (the record is damaged).</exception>
    public static MessageIdWindow FromPacked(int capacity, ReadOnlySpan<byte> packed)
    {
        if (packed.Length % sizeof(ulong) != 0)
        {
            throw new InvalidDataException(
                $"Stored message-id window is {packed.Length} bytes, not a whole number of {sizeof(ulong)}-byte ids.");
        }

        var window = Empty(capacity);
        for (var offset = 0; offset < packed.Length; offset += sizeof(ulong))
        {
            window = window.Add(BinaryPrimitives.ReadUInt64LittleEndian(packed[offset..]));
        }

        return window;
    }

    /// <summary>True when the id is remembered.</summary>
    public bool Contains(ulong hash) => _set.Contains(hash);

    /// <summary>Remembers an id, forgetting the oldest when full.</summary>
    public MessageIdWindow Add(ulong hash)
    {
        if (_set.Contains(hash))
        {
            return this;
        }

        var order = _order.Enqueue(hash);
        var set = _set.Add(hash);
        var count = Count + 1;
        while (count > Capacity)
        {
            order = order.Dequeue(out var oldest);
            set = set.Remove(oldest);
            count--;
        }

        return new MessageIdWindow(Capacity, order, set, count);
    }

    /// <summary>The remembered ids, oldest first.</summary>
    public ulong[] ToArray() => [.. _order];

    /// <summary>
    /// The remembered ids, oldest first, as 8 little-endian bytes each: the stored form. One length-prefixed blob serializes
    /// without per-id tags and without the serializer's per-element work for a <c>ulong[]</c>.
    /// </summary>
    public byte[] ToPacked()
    {
        var packed = new byte[Count * sizeof(ulong)];
        var offset = 0;
        foreach (var hash in _order)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(offset), hash);
            offset += sizeof(ulong);
        }

        return packed;
    }
}
