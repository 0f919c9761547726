namespace OrleansRecovery.Client;

/// <summary>
/// Client-side checks that fail fast with an <see cref="ArgumentException"/> naming what is wrong, before a message leaves the
/// process. The grain checks again (with its configured limits) and rejects anything that slips through.
/// </summary>
public static class TransactionClientValidation
{
    /// <summary>Longest transaction id accepted by the client conveniences.</summary>
    public const int MaxTransactionIdLength = TransactionIds.MaxLength;

    /// <summary>Throws when <paramref name="transactionId"/> breaks the <see cref="TransactionIds"/> rule.</summary>
    public static void ValidateTransactionId(string transactionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionId);
        if (TransactionIds.Problem(transactionId) is { } problem)
        {
            throw new ArgumentException(problem, nameof(transactionId));
        }
    }

    /// <summary>Throws when <paramref name="message"/> is null or obviously malformed (empty id or type, null payload, unknown kind).</summary>
    public static void ValidateMessage(TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            throw new ArgumentException("Message id is empty.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.Type))
        {
            throw new ArgumentException($"Message '{message.MessageId}' has an empty type.", nameof(message));
        }

        if (message.Payload is null)
        {
            throw new ArgumentException($"Message '{message.MessageId}' has a null payload; use an empty string.", nameof(message));
        }

        if (!Enum.IsDefined(message.Kind))
        {
            throw new ArgumentException($"Message '{message.MessageId}' has unknown kind {(int)message.Kind}.", nameof(message));
        }

        // Orleans sends strings as UTF-8, which turns a lone surrogate into U+FFFD: two different ids could arrive as one and the
        // second be answered Duplicate. Such text is refused here, where it can still be seen.
        foreach (var (name, text) in new[] { ("id", message.MessageId), ("type", message.Type), ("payload", message.Payload) })
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsSurrogate(text[i]) && !TransactionIds.IsPaired(text, i))
                {
                    throw new ArgumentException(
                        $"Message '{message.MessageId}' has an unpaired surrogate (U+{(int)text[i]:X4}) in its {name} at position {i}.", nameof(message));
                }
            }
        }
    }
}
