namespace OrleansRecovery;

/// <summary>
/// What replaying the pending log would do now (<see cref="ITransactionGrain.PreviewReplayAsync"/>): the application's logic run over
/// the parked entries, in order, against the transaction's current data, in memory. Nothing is written and nothing changes.
/// </summary>
/// <remarks>
/// The preview starts from the data as it is now. While the transaction is recovering, the recovery message that completes it may
/// still change the data first; and a recovery scope that is open when replay runs holds the entries parked. The preview shows
/// neither: it answers "what would these entries do to this data".
/// </remarks>
[GenerateSerializer]
[Alias("OrleansRecovery.ReplayPreview")]
public sealed record ReplayPreview
{
    /// <summary>Most entries one preview runs.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>The transaction id.</summary>
    [Id(0)] public required string TransactionId { get; init; }

    /// <summary>The transaction's mode when previewed.</summary>
    [Id(1)] public required TransactionMode Mode { get; init; }

    /// <summary>How many entries are parked in all.</summary>
    [Id(2)] public required long PendingCount { get; init; }

    /// <summary>One line per entry previewed, in replay order (the first <c>max</c> entries of the log).</summary>
    [Id(3)] public IReadOnlyList<ReplayPreviewEntry> Entries { get; init; } = [];

    /// <summary>The position at which replay would stop (an entry in doubt or throwing), or null when it would get through.</summary>
    [Id(4)] public long? StopsAt { get; init; }

    /// <summary>The application's data after the entries previewed (after the stopping entry, if in doubt, as replay would keep it).</summary>
    [Id(5)] public object? ResultingData { get; init; }

    /// <summary>Counts of <see cref="Entries"/> by verdict.</summary>
    public int Count(ReplayPreviewVerdict verdict) => Entries.Count(e => e.Verdict == verdict);

    /// <summary>Throws when <paramref name="max"/> is not 1..<see cref="MaxEntries"/>; the message names it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is out of range.</exception>
    public static void Validate(int max)
    {
        if (max is < 1 or > MaxEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max is {max}; a preview runs 1 to {MaxEntries} entries.");
        }
    }
}
