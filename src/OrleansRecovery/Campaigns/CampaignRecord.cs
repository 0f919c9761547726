namespace OrleansRecovery.Campaigns;

/// <summary>
/// The header record of a campaign (state name <see cref="StateName"/>): its reason, state and cursors. Fixed size: members live in
/// <see cref="CampaignMembersRecord"/> pages. Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Campaigns.CampaignRecord")]
internal sealed class CampaignRecord
{
    /// <summary>The state name of the record.</summary>
    public const string StateName = "campaign";

    [Id(0)] public string Reason { get; set; } = string.Empty;

    [Id(1)] public CampaignState State { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Members added (the member pages hold at least this many; anything beyond it is an unacknowledged add).</summary>
    [Id(3)] public long Members { get; set; }

    /// <summary>Members put into recovery so far, in member order.</summary>
    [Id(4)] public long Entered { get; set; }

    /// <summary>Members found faulted when their turn came (they are not put into recovery; an operator retries or skips them).</summary>
    [Id(5)] public long Faulted { get; set; }

    /// <summary>Members that could not be put into recovery after repeated attempts (logged with their id).</summary>
    [Id(6)] public long Failed { get; set; }

    /// <summary>The recovery message type of the bulk completion, or null when none was asked for.</summary>
    [Id(7)] public string? CompletionType { get; set; }

    /// <summary>The recovery message payload of the bulk completion.</summary>
    [Id(8)] public string? CompletionPayload { get; set; }

    /// <summary>Members answered by the bulk completion so far, in member order.</summary>
    [Id(9)] public long Completed { get; set; }

    [Id(10)] public DateTimeOffset? DoneAt { get; set; }

    /// <summary>Who started the campaign and why, when the starter gave a reason (the first start's; a repeat changes nothing).</summary>
    [Id(11)] public string? StartReason { get; set; }

    /// <summary>Who asked for the bulk completion and why, when given (the first request's, like the completion message).</summary>
    [Id(12)] public string? CompletionReason { get; set; }
}
