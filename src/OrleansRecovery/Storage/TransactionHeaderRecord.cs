namespace OrleansRecovery.Storage;

/// <summary>
/// The header record of a transaction (state name <see cref="StateNames.Header"/>): everything but the pending entries.
/// Field ids are stable; never renumber them. Fields holding their default value are not written (the header is rewritten
/// with every message, so its size is paid on every write); a reader of any layout gets the default for a missing field.
/// </summary>
/// <remarks>
/// Layout 2 differs from layout 1 only in leaving default fields out, so each layout reads the other: a rollback or a mixed
/// cluster sees the same state, dedup window included. (Packing the window into one byte array saved a further 19 bytes but
/// would have made older code read an empty window — duplicates applied twice after a rollback — so it was not kept.)
/// </remarks>
[GenerateSerializer]
[OmitDefaultMemberValues]
[Alias("OrleansRecovery.TransactionHeaderRecord")]
internal sealed class TransactionHeaderRecord
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

    /// <summary>Hashes of recently admitted message ids, oldest first.</summary>
    [Id(7)] public ulong[] Admitted { get; set; } = [];

    /// <summary>Answer counters.</summary>
    [Id(8)] public MessageCounters Counters { get; set; }

    /// <summary>Recently rejected messages, oldest first.</summary>
    [Id(9)] public List<RejectedMessage> Rejections { get; set; } = [];

    /// <summary>The held poison message of a faulted transaction.</summary>
    [Id(10)] public FaultInfo? Fault { get; set; }

    /// <summary>
    /// Campaigns recently joined, oldest first (bounded; see <c>TransactionState.CampaignMemory</c>); null when none, so a header
    /// of a transaction that never joined one is stored exactly as before.
    /// </summary>
    [Id(11)] public string[]? RecentCampaigns { get; set; }

    /// <summary>The campaign of the latest recovery begun.</summary>
    [Id(12)] public string? LastRecoveryCampaignId { get; set; }

    /// <summary>The timeline, oldest first (bounded); null when empty, so a transaction that never had one is stored as before.</summary>
    [Id(13)] public TimelineEvent[]? Timeline { get; set; }
}
