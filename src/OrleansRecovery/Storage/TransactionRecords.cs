using System.Collections.Immutable;
using System.Globalization;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Storage;

/// <summary>Maps the state machine's immutable state to stored records and back.</summary>
internal static class TransactionRecords
{
    /// <summary>The header record of <paramref name="state"/>.</summary>
    public static TransactionHeaderRecord ToHeader(TransactionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new TransactionHeaderRecord
        {
            Mode = state.Mode,
            Recovery = state.Recovery,
            Fault = state.Fault,
            Data = state.Data,
            FirstSegment = state.Pending.FirstSegment,
            ReplayPosition = state.Pending.ReplayPosition,
            NextSequence = state.Pending.NextSequence,
            Admitted = state.Admitted.ToArray(),
            Counters = state.Counters,
            Rejections = [.. state.Rejections],
            RecentCampaigns = state.RecentCampaigns.IsEmpty ? null : [.. state.RecentCampaigns],
            LastRecoveryCampaignId = state.LastRecoveryCampaignId,
            Timeline = state.Timeline.IsEmpty ? null : [.. state.Timeline],
        };
    }

    /// <summary>The record of segment <paramref name="index"/> of <paramref name="state"/>'s pending log.</summary>
    public static PendingSegmentRecord ToSegment(TransactionState state, long index)
    {
        ArgumentNullException.ThrowIfNull(state);
        var segment = state.Pending.Segments.FirstOrDefault(s => s.Index == index)
            ?? throw new InvalidOperationException($"Segment {index} is not part of the pending log.");
        return new PendingSegmentRecord { Index = index, Entries = [.. segment.Entries] };
    }

    /// <summary>Rebuilds the state from a header (null when none is stored) and the segments read from its first segment on.</summary>
    public static TransactionState ToState(TransactionHeaderRecord? header, IEnumerable<PendingSegmentRecord> segments,
        RecoveryLimits limits, Func<object?> initialData)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(initialData);
        if (header is { SchemaVersion: > TransactionHeaderRecord.CurrentSchemaVersion })
        {
            // A newer release wrote this header; a field it added may change what the others mean (a missing field reads as its
            // default, so a newer dedup or pending layout would read as empty and messages could be applied twice). Refuse,
            // write nothing, and let a silo that knows the layout take the transaction.
            var written = header.SchemaVersion.ToString(CultureInfo.InvariantCulture);
            var known = TransactionHeaderRecord.CurrentSchemaVersion.ToString(CultureInfo.InvariantCulture);
            throw new InvalidOperationException(
                $"The transaction's header was written in storage layout {written} by a newer OrleansRecovery; this silo reads " +
                $"layouts up to {known}. Nothing was changed: run the newer version on every silo (a rollback past a layout " +
                "change is not supported).");
        }

        var pending = PendingLog.Load(
            header?.FirstSegment ?? 0,
            header?.ReplayPosition ?? 0,
            header?.NextSequence ?? 0,
            segments.Select(s => new PendingSegment(s.Index, [.. s.Entries], s.Entries.Sum(e => e.EstimatedBytes))));
        if (header is null)
        {
            return TransactionState.New(initialData(), limits) with { Pending = pending };
        }

        return new TransactionState
        {
            Mode = header.Mode,
            Recovery = header.Recovery,
            Fault = header.Fault,
            Data = header.Data,
            Admitted = MessageIdWindow.From(limits.DedupWindow, header.Admitted),
            Pending = pending,
            // Parking writes only a segment; entries appended after the header's last write are counted here.
            Counters = header.Counters with
            {
                Queued = header.Counters.Queued + pending.Segments.Sum(seg => seg.Entries.Count(e => e.Sequence >= header.NextSequence)),
            },
            Rejections = [.. header.Rejections],
            RecentCampaigns = [.. header.RecentCampaigns ?? []],
            LastRecoveryCampaignId = header.LastRecoveryCampaignId,
            Timeline = [.. header.Timeline ?? []],
        };
    }
}
