namespace OrleansRecovery.StateMachine;

/// <summary>Reads one page of a transaction's pending log as operators see it (<see cref="PendingPage"/>). Pure: no I/O.</summary>
internal static class PendingPages
{
    /// <summary>The page of <paramref name="state"/>'s pending log from position <paramref name="from"/>, at most <paramref name="take"/> entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">See <see cref="PendingPage.Validate"/>.</exception>
    public static PendingPage Read(TransactionState state, string transactionId, long from, int take)
    {
        ArgumentNullException.ThrowIfNull(state);
        PendingPage.Validate(from, take);
        var log = state.Pending;
        var entries = log.Page(from, take);
        var parked = new ParkedEntry[entries.Count];
        for (var i = 0; i < parked.Length; i++)
        {
            var entry = entries[i];
            var payload = entry.Message.Payload;
            var truncated = payload.Length > PendingPage.ExcerptLength;
            parked[i] = new ParkedEntry(from + i, entry.Sequence, entry.Message.MessageId, entry.Message.Type, entry.EstimatedBytes,
                entry.AdmittedAt, truncated ? Excerpt(payload) : payload, truncated);
        }

        var end = from + parked.Length;
        return new PendingPage
        {
            TransactionId = transactionId,
            Mode = state.Mode,
            From = from,
            PendingCount = log.Count,
            Entries = parked,
            NextFrom = end < log.Count ? end : null,
        };
    }

    /// <summary>The payload's first <see cref="PendingPage.ExcerptLength"/> characters, never splitting a surrogate pair.</summary>
    private static string Excerpt(string payload)
    {
        var length = PendingPage.ExcerptLength;
        if (char.IsHighSurrogate(payload[length - 1]))
        {
            length--;
        }

        return payload[..length];
    }
}
