namespace OrleansRecovery;

/// <summary>One page of a transaction's pending log (<see cref="ITransactionGrain.GetPendingAsync"/>), as of its last acknowledged write.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.PendingPage")]
public sealed record PendingPage
{
    /// <summary>Most entries one page holds.</summary>
    public const int MaxTake = 1_000;

    /// <summary>Characters of each payload a page shows.</summary>
    public const int ExcerptLength = 120;

    /// <summary>The transaction id.</summary>
    [Id(0)] public required string TransactionId { get; init; }

    /// <summary>The transaction's mode.</summary>
    [Id(1)] public required TransactionMode Mode { get; init; }

    /// <summary>The position asked for.</summary>
    [Id(2)] public required long From { get; init; }

    /// <summary>How many entries are parked in all.</summary>
    [Id(3)] public required long PendingCount { get; init; }

    /// <summary>The entries from <see cref="From"/>, in admission order (empty past the end).</summary>
    [Id(4)] public IReadOnlyList<ParkedEntry> Entries { get; init; } = [];

    /// <summary>The position of the next page, or null when this page reaches the end.</summary>
    [Id(5)] public long? NextFrom { get; init; }

    /// <summary>
    /// Throws when a page request is out of range; the message names the parameter. Shared by the grain, the CLI and the admin API
    /// so that each refuses the same requests with the same words.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is negative or <paramref name="take"/> is not 1..<see cref="MaxTake"/>.</exception>
    public static void Validate(long from, int take)
    {
        if (from < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"from is {from}; it is a position in the pending log, 0 or more.");
        }

        if (take is < 1 or > MaxTake)
        {
            throw new ArgumentOutOfRangeException(nameof(take), take, $"take is {take}; a page holds 1 to {MaxTake} entries.");
        }
    }
}
