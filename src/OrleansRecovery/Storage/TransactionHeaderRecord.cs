namespace OrleansRecovery.Storage;

/// <summary>
/// The header record of a transaction (state name <see cref="StateNames.Header"/>): everything but the pending entries.
/// Field ids are stable; never renumber them. Fields holding their default value are not written (the header is rewritten
/// with every message, so its size is paid on every write); a reader of any layout gets the default for a missing field.
/// </summary>
/// <remarks>
/// Layout 1 stored the dedup window in <see cref="Admitted"/>; layout 2 stores it packed in <see cref="AdmittedIds"/>. Both are
/// read. Code that knows only layout 1 would read a layout-2 header with an empty window: once layout 2 is written, do not roll
/// back to, or run a mixed cluster with, a version older than the one that introduced it.
/// </remarks>
[GenerateSerializer]
[OmitDefaultMemberValues]
[Alias("OrleansRecovery.TransactionHeaderRecord")]
public sealed class TransactionHeaderRecord
{
    /// <summary>The layout written by this version.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Layout version of this record.</summary>
    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The persisted mode.</summary>
    [Id(1)] public TransactionMode Mode { get; set; }

    /// <summary>The recovery in progress.</summary>
    [Id(2)] public RecoveryInfo? Recovery { get; set; }

    /// <summary>The application's data.</summary>
    [Id(3)] public object? Data { get; set; }

    /// <summary>The first pending-log segment to read.</summary>
    [Id(4)] public long FirstSegment { get; set; }

    /// <summary>The sequence of the first unapplied pending entry.</summary>
    [Id(5)] public long ReplayPosition { get; set; }

    /// <summary>The next pending sequence known when the header was written (segments may hold later ones).</summary>
    [Id(6)] public long NextSequence { get; set; }

    /// <summary>Layout 1: hashes of recently admitted message ids, oldest first. Layout 2 leaves it empty.</summary>
    [Id(7)] public ulong[] Admitted { get; set; } = [];

    /// <summary>Answer counters.</summary>
    [Id(8)] public MessageCounters Counters { get; set; }

    /// <summary>Recently rejected messages, oldest first.</summary>
    [Id(9)] public List<RejectedMessage> Rejections { get; set; } = [];

    /// <summary>The held poison message of a faulted transaction.</summary>
    [Id(10)] public FaultInfo? Fault { get; set; }

    /// <summary>
    /// Layout 2: hashes of recently admitted message ids, oldest first, 8 little-endian bytes each
    /// (<see cref="StateMachine.MessageIdWindow.ToPacked"/>). Null in layout 1.
    /// </summary>
    [Id(11)] public byte[]? AdmittedIds { get; set; }
}
