namespace OrleansRecovery.Registry;

/// <summary>
/// The slot bookkeeping of one registry shard, kept in memory: entries live in numbered pages of a fixed number of slots, so
/// that a change rewrites one small page record, never the whole shard (README "Design choices", recovery registry). Tracks
/// which transaction sits in which slot, which slots are free (lowest reused first, so pages stay dense and trailing pages
/// empty out), and which pages changed since they were last stored. Pure: no Orleans types, no I/O.
/// </summary>
internal sealed class RegistryPages
{
    private readonly List<RegistryEntry?[]> _pages = [];
    private readonly Dictionary<string, (long Page, int Slot)> _slots = new(StringComparer.Ordinal);
    private readonly SortedSet<long> _free = [];
    private readonly HashSet<long> _dirty = [];

    /// <summary>Creates empty bookkeeping with <paramref name="slotsPerPage"/> slots per page.</summary>
    public RegistryPages(int slotsPerPage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerPage, 1);
        SlotsPerPage = slotsPerPage;
    }

    /// <summary>Slots per page.</summary>
    public int SlotsPerPage { get; }

    /// <summary>Pages in use: page numbers run from 0 to this, exclusive (the high-water mark).</summary>
    public long PageCount => _pages.Count;

    /// <summary>Entries held.</summary>
    public int Count => _slots.Count;

    /// <summary>Every entry held, in no particular order.</summary>
    public IEnumerable<RegistryEntry> Entries
    {
        get
        {
            foreach (var (page, slot) in _slots.Values)
            {
                yield return _pages[(int)page][slot]!;
            }
        }
    }

    /// <summary>Pages changed in memory since they were last marked stored, ascending.</summary>
    public IReadOnlyList<long> DirtyPages => [.. _dirty.Order()];

    /// <summary>The entry of <paramref name="transactionId"/>, or null.</summary>
    public RegistryEntry? Get(string transactionId) =>
        _slots.TryGetValue(transactionId, out var at) ? _pages[(int)at.Page][at.Slot] : null;

    /// <summary>The page holding <paramref name="transactionId"/>, or null.</summary>
    public long? PageOf(string transactionId) => _slots.TryGetValue(transactionId, out var at) ? at.Page : null;

    /// <summary>
    /// Adds or replaces the entry of its transaction: in place when it is held, else in the lowest free slot (a new page when
    /// none is free). Returns the page that changed; it is marked dirty.
    /// </summary>
    public long Put(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_slots.TryGetValue(entry.TransactionId, out var at))
        {
            at = Allocate();
            _slots[entry.TransactionId] = at;
        }

        _pages[(int)at.Page][at.Slot] = entry;
        _dirty.Add(at.Page);
        return at.Page;
    }

    /// <summary>
    /// Replaces the held entry of its transaction in memory without marking its page dirty (a refresh that storage need not
    /// hold); false when the transaction is not held.
    /// </summary>
    public bool Replace(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_slots.TryGetValue(entry.TransactionId, out var at))
        {
            return false;
        }

        _pages[(int)at.Page][at.Slot] = entry;
        return true;
    }

    /// <summary>Makes pages 0 to <paramref name="count"/> (exclusive) exist, empty where not loaded (all their slots free).</summary>
    public void EnsurePageCount(long count) => EnsurePages(count);

    /// <summary>Removes the entry of <paramref name="transactionId"/>; returns the page that changed (marked dirty), or null when none was held.</summary>
    public long? Remove(string transactionId)
    {
        if (!_slots.Remove(transactionId, out var at))
        {
            return null;
        }

        _pages[(int)at.Page][at.Slot] = null;
        _free.Add(SlotNumber(at));
        _dirty.Add(at.Page);
        return at.Page;
    }

    /// <summary>
    /// Replaces page <paramref name="page"/> with what storage holds (<paramref name="stored"/>, null or short for empty slots):
    /// on activation, and after a failed write to bring back the stored truth. Returns the pages this made dirty: a transaction
    /// found here that is also held elsewhere keeps its newer entry (by report time) and the other slot is freed, so that page
    /// must be stored again. The loaded page itself is clean unless it lost such a duplicate.
    /// </summary>
    public IReadOnlyList<long> LoadPage(long page, IReadOnlyList<RegistryEntry?>? stored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        EnsurePages(page + 1);
        var slots = _pages[(int)page];
        for (var slot = 0; slot < SlotsPerPage; slot++)
        {
            if (slots[slot] is { } old)
            {
                _slots.Remove(old.TransactionId);
                slots[slot] = null;
            }

            _free.Add(SlotNumber((page, slot)));
        }

        _dirty.Remove(page);
        var touched = new SortedSet<long>();
        for (var slot = 0; slot < Math.Min(SlotsPerPage, stored?.Count ?? 0); slot++)
        {
            if (stored![slot] is not { } entry)
            {
                continue;
            }

            if (_slots.TryGetValue(entry.TransactionId, out var other))
            {
                var held = _pages[(int)other.Page][other.Slot]!;
                if (held.UpdatedAt >= entry.UpdatedAt)
                {
                    touched.Add(page); // this page still stores the older copy
                    continue;
                }

                _pages[(int)other.Page][other.Slot] = null;
                _free.Add(SlotNumber(other));
                touched.Add(other.Page);
            }

            slots[slot] = entry;
            _slots[entry.TransactionId] = (page, slot);
            _free.Remove(SlotNumber((page, slot)));
        }

        foreach (var p in touched)
        {
            _dirty.Add(p);
        }

        return [.. touched];
    }

    /// <summary>The slots of <paramref name="page"/> as they should be stored (trailing empty slots trimmed).</summary>
    public RegistryEntry?[] Snapshot(long page)
    {
        var slots = _pages[(int)page];
        var length = slots.Length;
        while (length > 0 && slots[length - 1] is null)
        {
            length--;
        }

        return slots[..length];
    }

    /// <summary>True when page <paramref name="page"/> holds no entry (it can be cleared rather than written).</summary>
    public bool IsEmpty(long page) => Array.TrueForAll(_pages[(int)page], e => e is null);

    /// <summary>Marks <paramref name="page"/> stored as it was when its snapshot was taken, unless it changed again since.</summary>
    public void MarkStored(long page, RegistryEntry?[] snapshot)
    {
        var current = Snapshot(page);
        if (current.Length == snapshot.Length && current.AsSpan().SequenceEqual(snapshot))
        {
            _dirty.Remove(page);
        }
    }

    /// <summary>
    /// Drops trailing pages that hold nothing and are not dirty (so storage holds nothing for them either), lowering
    /// <see cref="PageCount"/>. Returns the new page count.
    /// </summary>
    public long TrimTrailing()
    {
        while (_pages.Count > 0 && !_dirty.Contains(_pages.Count - 1) && IsEmpty(_pages.Count - 1))
        {
            var page = _pages.Count - 1;
            for (var slot = 0; slot < SlotsPerPage; slot++)
            {
                _free.Remove(SlotNumber((page, slot)));
            }

            _pages.RemoveAt(page);
        }

        return _pages.Count;
    }

    private (long Page, int Slot) Allocate()
    {
        if (_free.Count > 0)
        {
            var number = _free.Min;
            _free.Remove(number);
            return (number / SlotsPerPage, (int)(number % SlotsPerPage));
        }

        EnsurePages(_pages.Count + 1L);
        return Allocate();
    }

    private void EnsurePages(long count)
    {
        while (_pages.Count < count)
        {
            var page = _pages.Count;
            _pages.Add(new RegistryEntry?[SlotsPerPage]);
            for (var slot = 0; slot < SlotsPerPage; slot++)
            {
                _free.Add(SlotNumber((page, slot)));
            }
        }
    }

    private long SlotNumber((long Page, int Slot) at) => at.Page * SlotsPerPage + at.Slot;
}
