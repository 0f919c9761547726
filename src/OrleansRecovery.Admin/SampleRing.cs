namespace OrleansRecovery.Admin;

/// <summary>
/// A fixed-capacity ring of samples, oldest dropped first: what the cluster chart draws. Memory is bounded by the capacity
/// whatever the uptime; thread-safe (a timer adds while requests read).
/// </summary>
/// <typeparam name="T">The sample.</typeparam>
internal sealed class SampleRing<T>
{
    private readonly T[] _items;
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    /// <summary>Creates an empty ring holding at most <paramref name="capacity"/> samples.</summary>
    public SampleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    /// <summary>Most samples held.</summary>
    public int Capacity => _items.Length;

    /// <summary>Adds <paramref name="item"/>, dropping the oldest when full.</summary>
    public void Add(T item)
    {
        lock (_gate)
        {
            _items[_next] = item;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>A copy of the samples, oldest first.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            var copy = new T[_count];
            var start = (_next - _count + _items.Length) % _items.Length;
            for (var i = 0; i < _count; i++)
            {
                copy[i] = _items[(start + i) % _items.Length];
            }

            return copy;
        }
    }
}
