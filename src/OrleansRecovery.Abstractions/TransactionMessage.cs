namespace OrleansRecovery;

/// <summary>
/// One message for a transaction, submitted through <see cref="ITransactionGrain"/> or published on the
/// inbound stream (<see cref="TransactionStreams.InboundNamespace"/>) whose key is the transaction id.
/// </summary>
/// <param name="MessageId">Unique within its transaction; the key of exactly-once processing.</param>
/// <param name="Kind">Normal or recovery.</param>
/// <param name="Type">The application's name for what the message means, e.g. <c>credit</c>.</param>
/// <param name="Payload">The application's data for the message, usually JSON text. May be empty, never null.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.TransactionMessage")]
public sealed record TransactionMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] MessageKind Kind,
    [property: Id(2)] string Type,
    [property: Id(3)] string Payload)
{
    /// <summary>
    /// The transaction this message is meant for. Optional for calls on a grain reference; stream producers set it so that a
    /// message published on the wrong stream is rejected instead of applied to the wrong transaction.
    /// </summary>
    [Id(4)]
    public string? TransactionId { get; init; }

    /// <summary>
    /// For recovery messages: the recovery they answer (see <see cref="RecoveryRequested.RecoveryId"/>). When set and not the
    /// transaction's current recovery, the message is rejected as stale.
    /// </summary>
    [Id(5)]
    public string? RecoveryId { get; init; }

    /// <summary>Creates a normal message.</summary>
    public static TransactionMessage Normal(string messageId, string type, string payload) =>
        new(messageId, MessageKind.Normal, type, payload);

    /// <summary>Creates a recovery message.</summary>
    public static TransactionMessage Recovery(string messageId, string type, string payload, string? recoveryId = null) =>
        new(messageId, MessageKind.Recovery, type, payload) { RecoveryId = recoveryId };
}
