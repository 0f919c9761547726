namespace OrleansRecovery;

/// <summary>The recovery a transaction is in.</summary>
/// <param name="RecoveryId">Identifies this recovery; recovery messages may name it.</param>
/// <param name="Reason">Why recovery began (the operator's reason, or the in-doubt message's reason).</param>
/// <param name="Since">When recovery began.</param>
/// <remarks>
/// Fields holding their default value are not written, so a recovery without a scope or campaign is stored exactly as before those
/// fields existed, and every earlier reader reads every record.
/// </remarks>
[GenerateSerializer]
[OmitDefaultMemberValues]
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

    /// <summary>The recovery scope whose opening put the transaction into this recovery, or null.</summary>
    [Id(4)]
    public string? Scope { get; init; }

    /// <summary>
    /// The campaign this recovery belongs to: an operator's campaign over an explicit set of transactions, or the campaign a
    /// scope's opening started. Null for a recovery begun on its own (an API call or an in-doubt message).
    /// </summary>
    [Id(5)]
    public string? CampaignId { get; init; }
}
