using System.Collections.Immutable;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>What the grain stores in its header record.</summary>
public sealed record HeaderRecord(
    TransactionMode Mode,
    RecoveryInfo? Recovery,
    object? Data,
    ulong[] Admitted,
    MessageCounters Counters,
    ImmutableList<RejectedMessage> Rejections,
    long FirstSegment,
    long ReplayPosition,
    long NextSequence);

/// <summary>
/// Storage as the grain uses it: a "header" record and "segment i" records. Writes follow the grain's order (header first, then
/// segments ascending); a crash can cut that order after any record.
/// </summary>
public sealed class SimulatedStorage
{
    private readonly Dictionary<string, object> _records = new(StringComparer.Ordinal);

    public int RecordWrites { get; private set; }

    public bool HasSegment(long index) => _records.ContainsKey(SegmentKey(index));

    public HeaderRecord? Header => _records.TryGetValue("header", out var header) ? (HeaderRecord)header : null;

    public PendingSegment? Segment(long index) =>
        _records.TryGetValue(SegmentKey(index), out var segment) ? (PendingSegment)segment : null;

    /// <summary>The records a transition's write set stores, in the grain's order, as actions.</summary>
    public static IReadOnlyList<(string Name, Action<SimulatedStorage> Write)> PlanWrites(Transition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var plan = new List<(string, Action<SimulatedStorage>)>();
        var state = transition.State;
        if (transition.Writes.Header)
        {
            var header = ToHeader(state);
            plan.Add(("header", s => s.Put("header", header)));
        }

        foreach (var index in transition.Writes.Segments)
        {
            var segment = state.Pending.Segments.FirstOrDefault(s => s.Index == index)
                ?? throw new InvalidOperationException(
                    $"The write set names segment {index}, but the new state holds no such segment "
                    + $"(it holds {string.Join(",", state.Pending.Segments.Select(s => s.Index))}).");
            plan.Add(($"segment {index}", s => s.Put(SegmentKey(index), segment)));
        }

        return plan;
    }

    /// <summary>Stores the first <paramref name="records"/> records of the transition's write set (all by default).</summary>
    public void Store(Transition transition, int records = int.MaxValue)
    {
        foreach (var (_, write) in PlanWrites(transition).Take(records))
        {
            write(this);
        }
    }

    /// <summary>Clears garbage segments (after the write that made them garbage).</summary>
    public void ClearGarbage(WriteSet writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var index in writes.Garbage)
        {
            _records.Remove(SegmentKey(index));
        }
    }

    /// <summary>What an activation reads: the header, then segments from its first segment up to the first missing one.</summary>
    public TransactionState Load(RecoveryStateMachine machine, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (Header is not { } header)
        {
            return machine.NewState(transactionId);
        }

        var segments = new List<PendingSegment>();
        for (var index = header.FirstSegment; Segment(index) is { } segment; index++)
        {
            segments.Add(segment);
        }

        return new TransactionState
        {
            Mode = header.Mode,
            Recovery = header.Recovery,
            Data = header.Data,
            Admitted = MessageIdWindow.From(machine.Limits.DedupWindow, header.Admitted),
            Pending = PendingLog.Load(header.FirstSegment, header.ReplayPosition, header.NextSequence, segments),
            Counters = header.Counters,
            Rejections = header.Rejections,
        };
    }

    public static HeaderRecord ToHeader(TransactionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(state.Mode, state.Recovery, state.Data, state.Admitted.ToArray(), state.Counters, state.Rejections,
            state.Pending.FirstSegment, state.Pending.ReplayPosition, state.Pending.NextSequence);
    }

    private static string SegmentKey(long index) => $"segment {index}";

    private void Put(string key, object record)
    {
        _records[key] = record;
        RecordWrites++;
    }
}
