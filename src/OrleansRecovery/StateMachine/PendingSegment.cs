using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// A bounded slice of the pending log, stored as its own record so that an append writes one small record, whatever the depth.
/// </summary>
/// <param name="Index">The segment's number; segments of a log are numbered consecutively.</param>
/// <param name="Entries">Entries in admission order. The first segment may still hold entries already replayed.</param>
/// <param name="Bytes">Estimated size of <paramref name="Entries"/>.</param>
internal sealed record PendingSegment(long Index, ImmutableList<PendingEntry> Entries, int Bytes)
{
    /// <summary>An empty segment.</summary>
    public static PendingSegment Empty(long index) => new(index, [], 0);

    /// <summary>The sequence after the last entry, or null when empty.</summary>
    public long? EndSequence => Entries.IsEmpty ? null : Entries[^1].Sequence + 1;
}
