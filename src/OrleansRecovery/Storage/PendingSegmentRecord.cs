using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Storage;

/// <summary>One stored slice of the pending log (state name <see cref="StateNames.Segment"/>). Field ids are stable.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.PendingSegmentRecord")]
internal sealed class PendingSegmentRecord
{
    /// <summary>The segment number.</summary>
    [Id(0)] public long Index { get; set; }

    /// <summary>Entries in admission order.</summary>
    [Id(1)] public List<PendingEntry> Entries { get; set; } = [];
}
