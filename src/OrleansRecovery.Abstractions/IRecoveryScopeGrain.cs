namespace OrleansRecovery;

/// <summary>
/// One recovery scope (the grain key is the scope's name, see <see cref="RecoveryScopes"/>). Opening it puts the whole scope in
/// recovery mode: once <see cref="OpenAsync"/> has returned, no normal message of a transaction in the scope is applied until that
/// transaction's own recovery completes, on any silo, whether or not the transaction was active. Each transaction enters recovery
/// on its next message (parking it) and announces <see cref="RecoveryRequested"/> naming the scope and the opening's campaign.
/// </summary>
[Alias("OrleansRecovery.IRecoveryScopeGrain")]
public interface IRecoveryScopeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens the scope's recovery with <paramref name="reason"/>, durably, and returns once every silo's view of the scope has
    /// either seen the opening or expired (the scope lease). Idempotent: while open, returns the current opening unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty or too long, or the grain key is not a usable scope name.</exception>
    [Alias("OpenAsync")]
    Task<RecoveryScopeState> OpenAsync(string reason);

    /// <summary>
    /// Closes the scope, durably, and returns once every silo's view has seen it or expired (the scope lease): from then on no
    /// transaction enters recovery for it. Transactions already recovering still complete one by one with their recovery messages.
    /// Idempotent.
    /// </summary>
    [Alias("CloseAsync")]
    Task<RecoveryScopeState> CloseAsync();

    /// <summary>
    /// As <see cref="CloseAsync()"/>, keeping <paramref name="reason"/> (who closes it and why) in the scope's record
    /// (<see cref="RecoveryScopeState.CloseReason"/>) when this call closes it.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty or too long, or the grain key is not a usable scope name.</exception>
    [Alias("CloseWithReasonAsync")]
    Task<RecoveryScopeState> CloseAsync(string reason);

    /// <summary>The scope's stored state.</summary>
    [Alias("GetStateAsync")]
    Task<RecoveryScopeState> GetStateAsync();

    /// <summary>
    /// The progress of the current (or last) opening's campaign: members the registry lists as recovering, stuck, faulted or
    /// replaying, rate and estimate; null if the scope was never opened. A scope's members are not enumerated, so
    /// <see cref="CampaignProgress.Members"/> and <see cref="CampaignProgress.Entered"/> are the members listed now, and
    /// <see cref="CampaignProgress.BackToNormal"/> is not counted (0); the rate is how fast the listing shrinks.
    /// </summary>
    [Alias("GetProgressAsync")]
    Task<CampaignProgress?> GetProgressAsync();
}
