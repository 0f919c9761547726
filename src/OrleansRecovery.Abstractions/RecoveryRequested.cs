namespace OrleansRecovery;

/// <summary>
/// Published on <see cref="TransactionStreams.RecoveryRequestsNamespace"/> (stream key: the transaction id) when a transaction
/// enters recovery, so a recovery agent can answer with recovery messages naming <see cref="RecoveryId"/>.
/// </summary>
/// <param name="TransactionId">The transaction that needs recovery.</param>
/// <param name="RecoveryId">The recovery to answer.</param>
/// <param name="Reason">Why recovery began.</param>
/// <param name="Since">When recovery began.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RecoveryRequested")]
public sealed record RecoveryRequested(
    [property: Id(0)] string TransactionId,
    [property: Id(1)] string RecoveryId,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset Since)
{
    /// <summary>The message that left the transaction in doubt, if recovery began that way.</summary>
    [Id(4)]
    public TransactionMessage? Subject { get; init; }

    /// <summary>The recovery scope whose opening started this recovery, or null.</summary>
    [Id(5)]
    public string? Scope { get; init; }

    /// <summary>The campaign (explicit or a scope's) this recovery belongs to, or null.</summary>
    [Id(6)]
    public string? CampaignId { get; init; }
}
