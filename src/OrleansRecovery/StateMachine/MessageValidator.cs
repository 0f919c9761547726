namespace OrleansRecovery.StateMachine;

/// <summary>Checks a message's shape before any decision; the reason names what was wrong.</summary>
internal static class MessageValidator
{
    /// <summary>Returns null when the message is well formed, otherwise the rejection.</summary>
    public static SubmitResult? Validate(TransactionMessage? message, string transactionId, RecoveryLimits limits) =>
        Validate(message, transactionId, limits, out _);

    /// <summary>
    /// Returns null when the message is well formed, otherwise the rejection. <paramref name="payloadBytes"/> is the payload's
    /// UTF-8 length once it was measured (0 when the message was rejected before), so that admission need not count it again.
    /// </summary>
    public static SubmitResult? Validate(TransactionMessage? message, string transactionId, RecoveryLimits limits, out int payloadBytes)
    {
        payloadBytes = 0;
        if (message is null)
        {
            return SubmitResult.Rejected(string.Empty, RejectionCode.InvalidMessageId, "Message is null.");
        }

        var id = message.MessageId ?? string.Empty;
        if (CheckText(message.MessageId, "MessageId", limits.MaxMessageIdLength) is { } idProblem)
        {
            return SubmitResult.Rejected(id, RejectionCode.InvalidMessageId, idProblem);
        }

        if (!Enum.IsDefined(message.Kind))
        {
            return SubmitResult.Rejected(id, RejectionCode.InvalidKind,
                $"Kind {(int)message.Kind} is unknown; expected Normal (0) or Recovery (1).");
        }

        if (CheckText(message.Type, "Type", limits.MaxTypeLength) is { } typeProblem)
        {
            return SubmitResult.Rejected(id, RejectionCode.InvalidType, typeProblem);
        }

        if (message.Payload is null)
        {
            return SubmitResult.Rejected(id, RejectionCode.InvalidPayload, "Payload is null; send an empty string for no payload.");
        }

        payloadBytes = System.Text.Encoding.UTF8.GetByteCount(message.Payload);
        if (payloadBytes > limits.MaxPayloadBytes)
        {
            return SubmitResult.Rejected(id, RejectionCode.InvalidPayload,
                $"Payload is {payloadBytes} bytes; the limit (MaxPayloadBytes) is {limits.MaxPayloadBytes}.");
        }

        if (message.TransactionId is { } target && !string.Equals(target, transactionId, StringComparison.Ordinal))
        {
            return SubmitResult.Rejected(id, RejectionCode.TransactionMismatch,
                $"Message names transaction '{Truncate(target)}' but was sent to '{Truncate(transactionId)}'.");
        }

        if (message.RecoveryId is { Length: > 128 })
        {
            return SubmitResult.Rejected(id, RejectionCode.StaleRecovery, "RecoveryId is longer than 128 characters.");
        }

        return null;
    }

    /// <summary>Shortens text for use in a reason or a rejection record.</summary>
    public static string Truncate(string? text, int max = 64) =>
        text is null ? string.Empty : text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    private static string? CheckText(string? value, string name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{name} is empty.";
        }

        if (value.Length > maxLength)
        {
            return $"{name} is {value.Length} characters; the limit is {maxLength}.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) || char.IsSurrogate(value[i]) && !TransactionIds.IsPaired(value, i))
            {
                return $"{name} contains a control or invalid character (U+{(int)value[i]:X4}) at position {i}.";
            }
        }

        return null;
    }
}
