namespace OrleansRecovery.Client;

/// <summary>
/// Client-side checks that fail fast with an <see cref="ArgumentException"/> naming what is wrong, before a message leaves the
/// process. The grain checks again (with its configured limits) and rejects anything that slips through.
/// </summary>
public static class TransactionClientValidation
{
    /// <summary>Longest transaction id accepted by the client conveniences.</summary>
    public const int MaxTransactionIdLength = 256;

    /// <summary>Throws when <paramref name="transactionId"/> is empty, too long or contains control characters.</summary>
    public static void ValidateTransactionId(string transactionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionId);
        if (transactionId.Length > MaxTransactionIdLength)
        {
            throw new ArgumentException(
                $"Transaction id is {transactionId.Length} characters; the limit is {MaxTransactionIdLength}.", nameof(transactionId));
        }

        if (transactionId.Any(char.IsControl))
        {
            throw new ArgumentException("Transaction id contains a control character.", nameof(transactionId));
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
    }
}
