namespace OrleansRecovery;

/// <summary>Why a message was rejected, for programs; <see cref="SubmitResult.Reason"/> says it for people.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.RejectionCode")]
public enum RejectionCode
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>The message id is missing, too long or contains control characters.</summary>
    InvalidMessageId = 1,

    /// <summary>The kind is not <see cref="MessageKind.Normal"/> or <see cref="MessageKind.Recovery"/>.</summary>
    InvalidKind = 2,

    /// <summary>The type name is missing, too long or contains control characters.</summary>
    InvalidType = 3,

    /// <summary>The payload is null or over the configured size limit.</summary>
    InvalidPayload = 4,

    /// <summary>The message names a different transaction than the one it was sent to.</summary>
    TransactionMismatch = 5,

    /// <summary>A recovery message arrived while the transaction is not recovering.</summary>
    NotRecovering = 6,

    /// <summary>A recovery message names a recovery that is not the current one.</summary>
    StaleRecovery = 7,

    /// <summary>The pending log is full (backpressure): retry later.</summary>
    PendingLogFull = 8,

    /// <summary>A batch holds more messages than allowed.</summary>
    BatchTooLarge = 9,

    /// <summary>The application's logic refused the message (for example, its payload cannot be parsed).</summary>
    ApplicationRejected = 10,

    /// <summary>The application's logic threw while handling the message.</summary>
    ApplicationError = 11,

    /// <summary>The transaction id itself is unusable (see <see cref="TransactionIds"/>); nothing is stored for it.</summary>
    InvalidTransactionId = 12,
}
