namespace OrleansRecovery.Campaigns;

/// <summary>Reads a campaign's member states from the recovery registry, the view every member reports to.</summary>
internal static class CampaignMembersSource
{
    /// <summary>The registry's counts for <paramref name="campaignId"/>.</summary>
    public static async Task<MemberCounts> CountAsync(IGrainFactory grains, string campaignId)
    {
        var counts = await grains.GetGrain<IRecoveryRegistryGrain>(0).CountAsync(new RegistryQuery { CampaignId = campaignId });
        return new MemberCounts(counts.Recovering, counts.Stuck, counts.Faulted, counts.Replaying, counts.OldestSince,
            counts.StuckTransactionIds);
    }
}
