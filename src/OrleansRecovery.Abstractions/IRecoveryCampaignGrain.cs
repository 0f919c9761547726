using Orleans.Concurrency;

namespace OrleansRecovery;

/// <summary>
/// A recovery campaign over an explicit set of transactions (the grain key is the campaign id, a usable transaction-id-like name).
/// Members are added in pages (up to <see cref="MaxMembers"/> in all), then <see cref="StartAsync()"/> puts each into recovery, in
/// order, resuming after a crash from a stored cursor without putting anyone in twice. No stored record grows with the campaign:
/// members are kept in fixed-size pages.
/// </summary>
[Alias("OrleansRecovery.IRecoveryCampaignGrain")]
public interface IRecoveryCampaignGrain : IGrainWithStringKey
{
    /// <summary>Most members of one campaign.</summary>
    const int MaxMembers = 100_000;

    /// <summary>Most members in one <see cref="AddMembersAsync"/> call.</summary>
    const int MaxMembersPerCall = 5_000;

    /// <summary>Creates the campaign with <paramref name="reason"/> (idempotent for the same reason).</summary>
    /// <exception cref="ArgumentException">The reason is empty or too long, or the campaign id is unusable.</exception>
    /// <exception cref="InvalidOperationException">The campaign exists with another reason.</exception>
    [Alias("CreateAsync")]
    Task<CampaignProgress> CreateAsync(string reason);

    /// <summary>
    /// Adds members while the campaign is a draft. Ids already added are skipped. Returns the member count.
    /// Nothing is added if any id is unusable (the error names it and its position).
    /// </summary>
    /// <exception cref="ArgumentException">An id is unusable, or too many ids.</exception>
    /// <exception cref="InvalidOperationException">The campaign does not exist or was already started.</exception>
    [Alias("AddMembersAsync")]
    Task<long> AddMembersAsync(IReadOnlyList<string> transactionIds);

    /// <summary>Starts putting members into recovery in the background. Idempotent.</summary>
    /// <exception cref="InvalidOperationException">The campaign does not exist or has no members.</exception>
    [Alias("StartAsync")]
    Task<CampaignProgress> StartAsync();

    /// <summary>
    /// As <see cref="StartAsync()"/>, keeping <paramref name="reason"/> (who starts it and why) in the campaign's record
    /// (<see cref="CampaignProgress.StartReason"/>) when this call starts it; a repeat keeps the first start's reason.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">The campaign does not exist or has no members.</exception>
    [Alias("StartWithReasonAsync")]
    Task<CampaignProgress> StartAsync(string reason);

    /// <summary>
    /// Bulk completion: submits, in the background, one recovery message of <paramref name="type"/> and <paramref name="payload"/>
    /// to every entered member (message id <c>campaign-{id}-complete</c>, so a repeat is a duplicate), resuming after a crash.
    /// </summary>
    /// <exception cref="ArgumentException">The type or payload is invalid.</exception>
    /// <exception cref="InvalidOperationException">The campaign has not been started.</exception>
    [Alias("CompleteAllAsync")]
    Task<CampaignProgress> CompleteAllAsync(string type, string payload);

    /// <summary>
    /// As <see cref="CompleteAllAsync(string, string)"/>, keeping <paramref name="reason"/> (who asked and why) in the campaign's
    /// record (<see cref="CampaignProgress.CompletionReason"/>) with the first request, as the completion message is.
    /// </summary>
    /// <exception cref="ArgumentException">The type, payload or reason is invalid.</exception>
    /// <exception cref="InvalidOperationException">The campaign has not been started.</exception>
    [Alias("CompleteAllWithReasonAsync")]
    Task<CampaignProgress> CompleteAllAsync(string type, string payload, string reason);

    /// <summary>
    /// A page of at most 10,000 members from <paramref name="offset"/>, in the order they were added. Answered between the
    /// campaign's steps' awaits, never behind a step.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetMembersAsync")]
    Task<IReadOnlyList<string>> GetMembersAsync(long offset, int count);

    /// <summary>
    /// Counts, rate, oldest, stuck members and an estimate of the time left. Read-only, and answered between the campaign's steps'
    /// awaits, never behind a step.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetProgressAsync")]
    Task<CampaignProgress> GetProgressAsync();
}
