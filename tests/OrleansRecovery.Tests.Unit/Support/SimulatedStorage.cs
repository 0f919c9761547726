using System.Collections.Immutable;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>
/// Storage as the grain uses it: a "header" record and "segment i" records. Writes follow the grain's order (header first, then
/// segments ascending); a crash can cut that order after any record.
/// </summary>
internal sealed class SimulatedStorage
{
    private readonly Dictionary<string, object> _records = new(StringComparer.Ordinal);

    public int RecordWrites { get; private set; }

    public bool HasSegment(long index) => _records.ContainsKey(SegmentKey(index));

    public TransactionHeaderRecord? Header => _records.TryGetValue("header", out var header) ? (TransactionHeaderRecord)header : null;

    public PendingSegmentRecord? Segment(long index) =>
        _records.TryGetValue(SegmentKey(index), out var segment) ? (PendingSegmentRecord)segment : null;

    /// <summary>The records a transition's write set stores, in the grain's order, as actions.</summary>
    public static IReadOnlyList<(string Name, Action<SimulatedStorage> Write)> PlanWrites(Transition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var plan = new List<(string, Action<SimulatedStorage>)>();
        var state = transition.State;
        if (transition.Writes.Header)
        {
            var header = TransactionRecords.ToHeader(state);
            plan.Add(("header", s => s.Put("header", header)));
        }

        foreach (var index in transition.Writes.Segments)
        {
            var segment = TransactionRecords.ToSegment(state, index);
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

    /// <summary>
    /// What an activation reads (as TransactionStore/TransactionRecords do): the header, then segments from its first segment up
    /// to the first missing one.
    /// </summary>
    public TransactionState Load(RecoveryStateMachine machine, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var header = Header;
        var segments = new List<PendingSegmentRecord>();
        for (var index = header?.FirstSegment ?? 0; Segment(index) is { } segment; index++)
        {
            segments.Add(segment);
        }

        return TransactionRecords.ToState(header, segments, machine.Limits, () => machine.NewState(transactionId).Data);
    }

    private static string SegmentKey(long index) => $"segment {index}";

    private void Put(string key, object record)
    {
        _records[key] = record;
        RecordWrites++;
    }
}
