namespace OrleansRecovery.Testing.Checking;

/// <summary>
/// What a sender did with one message (all its attempts share the message id) and the last acknowledgement it received.
/// Times are ticks of one logical clock shared by every sender of a run (see <see cref="QueueHistory"/>): only their order matters.
/// </summary>
/// <param name="TransactionId">The transaction the message was sent to.</param>
/// <param name="MessageId">The message id (unique within the transaction).</param>
public sealed record SentMessage(string TransactionId, string MessageId)
{
    /// <summary>Normal or recovery. Recovery messages are applied on arrival during recovery, ahead of parked normal messages, so
    /// they take no part in the order check.</summary>
    public MessageKind Kind { get; init; } = MessageKind.Normal;

    /// <summary>Who sent it (for reports), e.g. <c>sdk</c> or <c>stream</c>.</summary>
    public string Sender { get; init; } = string.Empty;

    /// <summary>When the first attempt was sent.</summary>
    public long InvokedAt { get; init; }

    /// <summary>When the final acknowledgement was received; null when there is none.</summary>
    public long? AcknowledgedAt { get; init; }

    /// <summary>The final acknowledgement.</summary>
    public AckOutcome Outcome { get; init; }

    /// <summary>
    /// Whether an acknowledged message must show in its transaction's statement. False for messages whose effect is, by the
    /// application's rules, nothing (e.g. a completing recovery message, or an in-doubt debit the system of record voided):
    /// such a message showing is counted as unexpected.
    /// </summary>
    public bool ExpectEffect { get; init; } = true;

    /// <summary>How many attempts were made (1 when the first one was answered).</summary>
    public int Attempts { get; init; } = 1;
}
