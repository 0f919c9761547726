namespace OrleansRecovery;

/// <summary>
/// What the recovery registry lists of one campaign's members (a scope's opening is a campaign too): the campaigns and scopes in
/// progress, derived from the registry, so the view converges with it after a crash and needs no record of its own.
/// </summary>
/// <param name="CampaignId">The campaign (for a scope's opening, <c>scope-{name}-{time}</c>).</param>
/// <param name="Scope">The recovery scope whose opening started it, or null for an explicit campaign.</param>
/// <param name="Counts">Its listed members by state, their oldest <c>Since</c> and parked messages (no stuck ids).</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryCampaignCounts")]
public sealed record RegistryCampaignCounts(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string? Scope,
    [property: Id(2)] RegistryCounts Counts);
