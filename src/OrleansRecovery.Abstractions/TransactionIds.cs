namespace OrleansRecovery;

/// <summary>
/// The rule for transaction ids, shared by clients and silos. An id is also a storage key: Azure Table storage rewrites
/// <c>/ \ # ?</c> to <c>_</c> (so <c>acct/1</c> and <c>acct_1</c> would share records) and refuses control characters,
/// so such ids are refused outright rather than silently merged.
/// </summary>
public static class TransactionIds
{
    /// <summary>Longest transaction id, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Returns null when <paramref name="transactionId"/> is usable, otherwise what is wrong with it.</summary>
    public static string? Problem(string? transactionId)
    {
        if (string.IsNullOrWhiteSpace(transactionId))
        {
            return "Transaction id is empty.";
        }

        if (transactionId.Length > MaxLength)
        {
            return $"Transaction id is {transactionId.Length} characters; the limit is {MaxLength}.";
        }

        for (var i = 0; i < transactionId.Length; i++)
        {
            var c = transactionId[i];
            if (c is '/' or '\\' or '#' or '?')
            {
                return $"Transaction id contains '{c}' at position {i}; '/', '\\', '#' and '?' are not allowed (storage keys rewrite them).";
            }

            if (char.IsControl(c) || (char.IsSurrogate(c) && !IsPaired(transactionId, i)))
            {
                return $"Transaction id contains a control or invalid character (U+{(int)c:X4}) at position {i}.";
            }
        }

        return null;
    }

    /// <summary>True when the character at <paramref name="i"/> is half of a valid surrogate pair.</summary>
    public static bool IsPaired(string text, int i)
    {
        ArgumentNullException.ThrowIfNull(text);
        return char.IsHighSurrogate(text[i])
            ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            : i > 0 && char.IsHighSurrogate(text[i - 1]);
    }
}
