namespace OrleansRecovery.Storage;

/// <summary>
/// The header record of a transaction (state name <see cref="StateNames.Header"/>): everything but the pending entries.
/// Field ids are stable; never renumber them.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.TransactionHeaderRecord")]
public sealed class TransactionHeaderRecord
{
    /// <summary>Layout version of this record.</summary>
    [Id(0)] public int SchemaVersion { get; set; } = 1;

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

    /// <summary>Hashes of recently admitted message ids, oldest first.</summary>
    [Id(7)] public ulong[] Admitted { get; set; } = [];

    /// <summary>Answer counters.</summary>
    [Id(8)] public MessageCounters Counters { get; set; }

    /// <summary>Recently rejected messages, oldest first.</summary>
    [Id(9)] public List<RejectedMessage> Rejections { get; set; } = [];

    /// <summary>The held poison message of a faulted transaction.</summary>
    [Id(10)] public FaultInfo? Fault { get; set; }
}
