using System.Globalization;

namespace OrleansRecovery.Campaigns;

/// <summary>
/// One page of a campaign's members (state name <see cref="StateName"/>), at most <see cref="Capacity"/> ids: adding members
/// writes only the pages they land in, so no record grows with the campaign (P13). Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Campaigns.CampaignMembersRecord")]
internal sealed class CampaignMembersRecord
{
    /// <summary>Most ids per page: 500 ids of the longest legal length (256 characters, up to 4 UTF-8 bytes each) stay below a storage record's limit.</summary>
    public const int Capacity = 500;

    [Id(0)] public List<string> TransactionIds { get; set; } = [];

    /// <summary>The state name of page <paramref name="index"/>.</summary>
    public static string StateName(long index) => "campaign-members-" + index.ToString("D9", CultureInfo.InvariantCulture);
}
