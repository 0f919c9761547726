using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// Which records a transition changed. The grain writes the header first, then the segments in ascending order, and only then
/// answers; garbage segments are cleared afterwards, best effort.
/// </summary>
internal sealed record WriteSet
{
    /// <summary>Nothing to write.</summary>
    public static WriteSet None { get; } = new();

    /// <summary>The header (mode, recovery, data, positions, dedup window, counters) must be written.</summary>
    public bool Header { get; init; }

    /// <summary>Pending-log segments to write.</summary>
    public ImmutableSortedSet<long> Segments { get; init; } = [];

    /// <summary>Segments that hold nothing unapplied once the header is written; cleared afterwards.</summary>
    public ImmutableSortedSet<long> Garbage { get; init; } = [];

    /// <summary>True when no record must be written.</summary>
    public bool IsEmpty => !Header && Segments.IsEmpty;

    /// <summary>How many records a write of this set stores (header and segments, not garbage).</summary>
    public int RecordCount => (Header ? 1 : 0) + Segments.Count;

    /// <summary>The union of two write sets.</summary>
    public WriteSet Union(WriteSet other)
    {
        ArgumentNullException.ThrowIfNull(other);

        // A group of normal messages unions the same header-only set once per message: reuse a set that already covers the
        // other instead of allocating an equal one.
        if (Covers(other))
        {
            return this;
        }

        if (other.Covers(this))
        {
            return other;
        }

        return new()
        {
            Header = Header || other.Header,
            Segments = Segments.Union(other.Segments),
            Garbage = Garbage.Union(other.Garbage),
        };
    }

    private bool Covers(WriteSet other) =>
        (Header || !other.Header) && other.Segments.IsSubsetOf(Segments) && other.Garbage.IsSubsetOf(Garbage);
}
