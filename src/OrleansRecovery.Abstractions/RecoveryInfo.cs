namespace OrleansRecovery;

/// <summary>The recovery a transaction is in.</summary>
/// <param name="RecoveryId">Identifies this recovery; recovery messages may name it.</param>
/// <param name="Reason">Why recovery began (the operator's reason, or the in-doubt message's reason).</param>
/// <param name="Since">When recovery began.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RecoveryInfo")]
public sealed record RecoveryInfo(
    [property: Id(0)] string RecoveryId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset Since)
{
    /// <summary>
    /// The normal message that left the transaction in doubt, when recovery began that way. It is neither dropped nor re-applied:
    /// the application's recovery logic decides its outcome.
    /// </summary>
    [Id(3)]
    public TransactionMessage? Subject { get; init; }
}
