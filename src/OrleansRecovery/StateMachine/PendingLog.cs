using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// The durable queue of normal messages admitted but not yet applied, as an immutable value. It is stored as consecutive
/// <see cref="PendingSegment"/> records from <see cref="FirstSegment"/>; the header holds <see cref="ReplayPosition"/>, the
/// sequence of the first unapplied entry, so entries below it are ignored however long their segment survives.
/// </summary>
internal sealed record PendingLog
{
    /// <summary>Segments holding unapplied entries, in order.</summary>
    public ImmutableList<PendingSegment> Segments { get; private init; } = [];

    /// <summary>The segment a reader starts from (the first holding unapplied entries, or where the next one will be written).</summary>
    public long FirstSegment { get; private init; }

    /// <summary>The index the next new segment gets.</summary>
    public long NextSegment { get; private init; }

    /// <summary>The sequence of the first unapplied entry.</summary>
    public long ReplayPosition { get; private init; }

    /// <summary>The sequence the next admitted entry gets.</summary>
    public long NextSequence { get; private init; }

    /// <summary>Hashes of the ids of unapplied entries, for duplicate detection.</summary>
    public ImmutableHashSet<ulong> Ids { get; private init; } = [];

    /// <summary>Estimated bytes of unapplied entries.</summary>
    public long Bytes { get; private init; }

    /// <summary>How many entries are unapplied.</summary>
    public long Count => NextSequence - ReplayPosition;

    /// <summary>True when nothing is pending.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>The oldest unapplied entry, or null.</summary>
    public PendingEntry? Oldest => Segments.IsEmpty ? null : Segments[0].Entries.FirstOrDefault(e => e.Sequence >= ReplayPosition);

    /// <summary>An empty log.</summary>
    public static PendingLog Empty { get; } = new();

    /// <summary>
    /// Rebuilds the log from what storage holds: the header's positions and the segments read from <paramref name="firstSegment"/>
    /// up to the first missing one. Entries below <paramref name="replayPosition"/> are dropped: they were applied.
    /// </summary>
    public static PendingLog Load(long firstSegment, long replayPosition, long nextSequence, IEnumerable<PendingSegment> segments)
    {
        var kept = ImmutableList.CreateBuilder<PendingSegment>();
        var ids = ImmutableHashSet.CreateBuilder<ulong>();
        long bytes = 0;
        // The next sequence comes from the entries actually stored, never from the header alone: a group write stores the
        // header first, so a header may count an entry whose segment write never happened (it was not acknowledged).
        _ = nextSequence;
        var next = replayPosition;
        var nextSegment = firstSegment;
        foreach (var segment in segments)
        {
            nextSegment = segment.Index + 1;
            var live = segment.Entries.RemoveAll(e => e.Sequence < replayPosition);
            if (live.IsEmpty && kept.Count == 0 && segment.Entries.Count > 0 && segment.EndSequence <= replayPosition)
            {
                // A fully applied segment that was not yet cleared: nothing in it is pending. Keep it as the write
                // target only if entries follow; otherwise it is simply skipped.
                continue;
            }

            var segmentBytes = live.Sum(e => e.EstimatedBytes);
            kept.Add(new PendingSegment(segment.Index, live, segmentBytes));
            bytes += segmentBytes;
            foreach (var entry in live)
            {
                ids.Add(MessageIdHash.Of(entry.Message.MessageId));
                next = Math.Max(next, entry.Sequence + 1);
            }
        }

        return new PendingLog
        {
            Segments = kept.ToImmutable(),
            FirstSegment = kept.Count > 0 ? kept[0].Index : nextSegment,
            NextSegment = nextSegment,
            ReplayPosition = replayPosition,
            NextSequence = next,
            Ids = ids.ToImmutable(),
            Bytes = bytes,
        };
    }

    /// <summary>True when the id of an unapplied entry hashes to <paramref name="idHash"/>.</summary>
    public bool ContainsId(ulong idHash) => Ids.Contains(idHash);

    /// <summary>Says whether an entry of <paramref name="bytes"/> fits the log's limits; when not, why.</summary>
    public bool CanAdmit(int bytes, RecoveryLimits limits, out string? reason)
    {
        if (Count >= limits.MaxPendingEntries)
        {
            reason = $"Pending log is full: {Count} entries, the limit (MaxPendingEntries) is {limits.MaxPendingEntries}. Retry later.";
            return false;
        }

        if (Bytes + bytes > limits.MaxPendingBytes)
        {
            reason = $"Pending log is full: {Bytes} bytes pending, the limit (MaxPendingBytes) is {limits.MaxPendingBytes}. Retry later.";
            return false;
        }

        reason = null;
        return true;
    }

    /// <summary>Appends a message behind all others; returns the new log and the index of the one segment to write.</summary>
    public (PendingLog Log, long WrittenSegment) Append(TransactionMessage message, DateTimeOffset admittedAt, RecoveryLimits limits) =>
        Append(message, admittedAt, limits, PendingEntry.EstimateBytes(message));

    /// <summary>
    /// Appends a message whose <see cref="PendingEntry.EstimateBytes(TransactionMessage)"/> the caller already computed (it was
    /// checked with <see cref="CanAdmit"/>); returns the new log and the index of the one segment to write.
    /// </summary>
    public (PendingLog Log, long WrittenSegment) Append(TransactionMessage message, DateTimeOffset admittedAt, RecoveryLimits limits,
        int estimatedBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(limits);
        var entry = new PendingEntry(NextSequence, message, admittedAt, estimatedBytes);
        var size = estimatedBytes;
        var segments = Segments;
        var nextSegment = NextSegment;
        PendingSegment target;
        if (!segments.IsEmpty
            && segments[^1].Entries.Count < limits.SegmentMaxEntries
            && segments[^1].Bytes + size <= limits.SegmentMaxBytes)
        {
            var tail = segments[^1];
            target = tail with { Entries = tail.Entries.Add(entry), Bytes = tail.Bytes + size };
            segments = segments.SetItem(segments.Count - 1, target);
        }
        else
        {
            target = new PendingSegment(nextSegment, [entry], size);
            nextSegment++;
            segments = segments.Add(target);
        }

        var log = this with
        {
            Segments = segments,
            FirstSegment = segments[0].Index,
            NextSegment = nextSegment,
            NextSequence = NextSequence + 1,
            Ids = Ids.Add(MessageIdHash.Of(message.MessageId)),
            Bytes = Bytes + size,
        };
        return (log, target.Index);
    }

    /// <summary>The first unapplied entries, at most <paramref name="max"/>, in admission order.</summary>
    public IEnumerable<PendingEntry> Unapplied(int max)
    {
        var taken = 0;
        foreach (var segment in Segments)
        {
            foreach (var entry in segment.Entries)
            {
                if (entry.Sequence < ReplayPosition)
                {
                    continue;
                }

                if (taken++ == max)
                {
                    yield break;
                }

                yield return entry;
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> unapplied entries from position <paramref name="from"/> (0 is the first unapplied), in admission
    /// order; empty past the end. The segment holding the position is found by binary search over the segments' first sequences
    /// (sequences have no gaps), so a page costs O(log S + take) whatever the depth, and nothing else of the log is copied.
    /// </summary>
    public IReadOnlyList<PendingEntry> Page(long from, int take)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (take == 0 || from >= Count)
        {
            return [];
        }

        var sequence = ReplayPosition + from;
        var index = SegmentHolding(sequence);
        var page = new List<PendingEntry>((int)Math.Min(take, Count - from));
        for (; index < Segments.Count && page.Count < take; index++)
        {
            var entries = Segments[index].Entries;
            var start = entries.IsEmpty ? 0 : (int)Math.Max(0, sequence - entries[0].Sequence);
            for (var i = start; i < entries.Count && page.Count < take; i++)
            {
                page.Add(entries[i]);
            }
        }

        return page;
    }

    /// <summary>The index in <see cref="Segments"/> of the last non-empty segment whose first entry is at or before <paramref name="sequence"/>.</summary>
    private int SegmentHolding(long sequence)
    {
        int low = 0, high = Segments.Count - 1, found = 0;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);

            // An empty segment (the write target before its first entry) has no first sequence: probe the nearest one before it.
            var probe = middle;
            while (probe >= low && Segments[probe].Entries.IsEmpty)
            {
                probe--;
            }

            if (probe < low)
            {
                low = middle + 1;
            }
            else if (Segments[probe].Entries[0].Sequence <= sequence)
            {
                found = probe;
                low = middle + 1;
            }
            else
            {
                high = probe - 1;
            }
        }

        return found;
    }

    /// <summary>
    /// Marks the first <paramref name="count"/> unapplied entries applied. Returns the new log and the indices of segments that
    /// now hold nothing unapplied (garbage, to be cleared after the header write that records the new position).
    /// </summary>
    public (PendingLog Log, IReadOnlyList<long> Garbage) Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        var position = ReplayPosition + count;
        var garbage = new List<long>();
        var segments = Segments;
        var ids = Ids;
        var bytes = Bytes;
        while (!segments.IsEmpty)
        {
            var first = segments[0];
            var consumed = 0;
            var consumedBytes = 0;
            foreach (var entry in first.Entries)
            {
                if (entry.Sequence >= position)
                {
                    break;
                }

                ids = ids.Remove(MessageIdHash.Of(entry.Message.MessageId));
                consumedBytes += entry.EstimatedBytes;
                consumed++;
            }

            bytes -= consumedBytes;
            if (consumed == first.Entries.Count)
            {
                garbage.Add(first.Index);
                segments = segments.RemoveAt(0);
                continue;
            }

            if (consumed > 0)
            {
                var live = first.Entries.RemoveRange(0, consumed);
                segments = segments.SetItem(0, new PendingSegment(first.Index, live, first.Bytes - consumedBytes));
            }

            break;
        }

        var log = this with
        {
            Segments = segments,
            FirstSegment = segments.IsEmpty ? NextSegment : segments[0].Index,
            ReplayPosition = position,
            Ids = ids,
            Bytes = bytes,
        };
        return (log, garbage);
    }
}
