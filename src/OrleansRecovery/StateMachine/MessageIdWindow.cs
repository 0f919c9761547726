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
}
