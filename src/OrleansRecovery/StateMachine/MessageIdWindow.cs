namespace OrleansRecovery.StateMachine;

/// <summary>
/// The bounded, immutable set of the most recently admitted message ids (as hashes), oldest first. Adding beyond the capacity
/// forgets the oldest id.
/// </summary>
/// <remarks>
/// Every admitted message adds an id and every header write stores the window, so both are on the per-message path. A window
/// is a range [start, end) of an append-only <see cref="Log"/> shared by the windows derived from one another. Adding to the
/// newest window of a log (the usual case: the grain always continues from its latest state) appends in place, allocating only
/// the new window; adding to an older one, which must not see the newer ids, copies its own ids into a new log first. A log
/// that fills up is copied the same way, keeping only the live ids, so each add costs amortized O(1) time and memory.
/// </remarks>
internal sealed class MessageIdWindow
{
    private const int InitialLogLength = 16;

    private readonly Log? _log;
    private readonly long _start;
    private readonly long _end;

    private MessageIdWindow(int capacity, Log? log, long start, long end)
    {
        Capacity = capacity;
        _log = log;
        _start = start;
        _end = end;
    }

    /// <summary>How many ids are remembered at most.</summary>
    public int Capacity { get; }

    /// <summary>How many ids are remembered now.</summary>
    public int Count => (int)(_end - _start);

    /// <summary>An empty window.</summary>
    public static MessageIdWindow Empty(int capacity) => new(Math.Max(capacity, 0), null, 0, 0);

    /// <summary>A window holding <paramref name="hashes"/> (oldest first), trimmed to <paramref name="capacity"/>.</summary>
    public static MessageIdWindow From(int capacity, IEnumerable<ulong> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var window = Empty(capacity);
        foreach (var hash in hashes)
        {
            window = window.Add(hash);
        }

        return window;
    }

    /// <summary>True when the id is remembered.</summary>
    public bool Contains(ulong hash)
    {
        if (_log is not { } log || _start == _end)
        {
            return false;
        }

        long latest;
        lock (log.Gate)
        {
            if (!log.Latest.TryGetValue(hash, out latest))
            {
                return false;
            }
        }

        if (latest < _end)
        {
            // Its latest append is in or before this window, so no earlier one can be inside it either.
            return latest >= _start;
        }

        // Appended again by a newer window after this one forgot it; an older append may still lie inside this window.
        return log.Items.AsSpan((int)(_start - log.Base), Count).Contains(hash);
    }

    /// <summary>Remembers an id, forgetting the oldest when full.</summary>
    public MessageIdWindow Add(ulong hash)
    {
        if (Capacity == 0 || Contains(hash))
        {
            return this;
        }

        var end = _end + 1;
        var start = Math.Max(_start, end - Capacity);
        if (_log is { } log)
        {
            lock (log.Gate)
            {
                if (log.End == _end && _end - log.Base < log.Items.Length)
                {
                    log.Items[_end - log.Base] = hash;
                    log.Latest[hash] = _end;
                    log.End = end;
                    return new MessageIdWindow(Capacity, log, start, end);
                }
            }
        }

        // This window is not the newest of its log, or the log is full: continue in a new log holding the ids this window
        // keeps, with room for as many again (so a full window copies about once per Capacity adds).
        var kept = (int)(_end - start);
        var fresh = new Log(start, Math.Max(InitialLogLength, 2 * (kept + 1)));
        if (kept > 0)
        {
            _log!.Items.AsSpan((int)(start - _log.Base), kept).CopyTo(fresh.Items);
        }

        for (var i = 0; i < kept; i++)
        {
            fresh.Latest[fresh.Items[i]] = start + i;
        }

        fresh.Items[kept] = hash;
        fresh.Latest[hash] = _end;
        fresh.End = end;
        return new MessageIdWindow(Capacity, fresh, start, end);
    }

    /// <summary>The remembered ids, oldest first.</summary>
    public ulong[] ToArray() => _log is { } log ? log.Items.AsSpan((int)(_start - log.Base), Count).ToArray() : [];

    /// <summary>Ids in append order from absolute position <see cref="Base"/>; positions below <see cref="End"/> never change.</summary>
    private sealed class Log(long @base, int length)
    {
        public object Gate { get; } = new();

        public long Base { get; } = @base;

        public ulong[] Items { get; } = new ulong[length];

        /// <summary>The absolute position after the newest id appended.</summary>
        public long End { get; set; } = @base;

        /// <summary>Each appended id's latest absolute position.</summary>
        public Dictionary<ulong, long> Latest { get; } = [];
    }
}
