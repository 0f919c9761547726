using System.Text;

namespace OrleansRecovery.StateMachine;

/// <summary>A normal message admitted into the pending log.</summary>
/// <param name="Sequence">Admission order within the transaction, from 0, without gaps.</param>
/// <param name="Message">The message as admitted.</param>
/// <param name="AdmittedAt">When it was admitted.</param>
/// <remarks>
/// The stored fields are the three above, under their stable ids. <see cref="EstimatedBytes"/> is not stored: it is known at
/// admission (where the payload was already measured) or counted once on first use after a load, then kept with the entry; a
/// copy made with <c>with</c> counts it again. Equality compares the stored fields only.
/// </remarks>
[GenerateSerializer]
[Alias("OrleansRecovery.PendingEntry")]
internal sealed record PendingEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] TransactionMessage Message,
    [property: Id(2)] DateTimeOffset AdmittedAt)
{
    /// <summary>The size once known; 0 until then (every estimate includes a non-zero overhead).</summary>
    [NonSerialized]
    private int _estimatedBytes;

    /// <summary>Creates an entry whose <see cref="EstimatedBytes"/> the caller already computed for <paramref name="message"/>.</summary>
    internal PendingEntry(long sequence, TransactionMessage message, DateTimeOffset admittedAt, int estimatedBytes)
        : this(sequence, message, admittedAt)
    {
        _estimatedBytes = estimatedBytes;
    }

    /// <summary>Copies the stored fields (for <c>with</c>); the size is counted again, since the copy may hold another message.</summary>
    private PendingEntry(PendingEntry original)
    {
        Sequence = original.Sequence;
        Message = original.Message;
        AdmittedAt = original.AdmittedAt;
    }

    /// <summary>The entry's estimated stored size in bytes, used for segment and log limits.</summary>
    public int EstimatedBytes
    {
        get
        {
            // A racing first read computes the same value twice at worst; an int write is atomic.
            if (_estimatedBytes == 0)
            {
                _estimatedBytes = EstimateBytes(Message);
            }

            return _estimatedBytes;
        }
    }

    /// <summary>Estimates a message's stored size: its strings' UTF-8 length plus a fixed overhead.</summary>
    public static int EstimateBytes(TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EstimateBytes(message, Encoding.UTF8.GetByteCount(message.Payload));
    }

    /// <summary>
    /// Estimates a message's stored size when its payload's UTF-8 length, <paramref name="payloadBytes"/>, is already known
    /// (it is measured by <see cref="MessageValidator"/>): the payload is not counted again.
    /// </summary>
    public static int EstimateBytes(TransactionMessage message, int payloadBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        return 32 + Encoding.UTF8.GetByteCount(message.MessageId) + Encoding.UTF8.GetByteCount(message.Type) + payloadBytes
            + (message.TransactionId?.Length ?? 0) + (message.RecoveryId?.Length ?? 0);
    }

    /// <inheritdoc />
    public bool Equals(PendingEntry? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Sequence == other.Sequence && AdmittedAt.Equals(other.AdmittedAt)
            && EqualityComparer<TransactionMessage>.Default.Equals(Message, other.Message));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Sequence, Message, AdmittedAt);
}
