namespace OrleansRecovery.StateMachine;

/// <summary>A normal message admitted into the pending log.</summary>
/// <param name="Sequence">Admission order within the transaction, from 0, without gaps.</param>
/// <param name="Message">The message as admitted.</param>
/// <param name="AdmittedAt">When it was admitted.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.PendingEntry")]
public sealed record PendingEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] TransactionMessage Message,
    [property: Id(2)] DateTimeOffset AdmittedAt)
{
    /// <summary>The entry's estimated stored size in bytes, used for segment and log limits.</summary>
    public int EstimatedBytes => EstimateBytes(Message);

    /// <summary>Estimates a message's stored size: its strings' UTF-8 length plus a fixed overhead.</summary>
    public static int EstimateBytes(TransactionMessage message) =>
        32 + System.Text.Encoding.UTF8.GetByteCount(message.MessageId) + System.Text.Encoding.UTF8.GetByteCount(message.Type)
        + System.Text.Encoding.UTF8.GetByteCount(message.Payload) + (message.TransactionId?.Length ?? 0) + (message.RecoveryId?.Length ?? 0);
}
