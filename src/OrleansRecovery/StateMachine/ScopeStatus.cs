namespace OrleansRecovery.StateMachine;

/// <summary>What a silo knows of one recovery scope at a decision: open (with its campaign), closed, or unknown.</summary>
internal sealed record ScopeStatus
{
    private ScopeStatus(ScopeCondition condition, string? campaignId, string? reason)
    {
        Condition = condition;
        CampaignId = campaignId;
        Reason = reason;
    }

    /// <summary>Open, closed, or unknown.</summary>
    public ScopeCondition Condition { get; }

    /// <summary>The campaign of the current opening, while open.</summary>
    public string? CampaignId { get; }

    /// <summary>The operator's reason for the current opening, while open.</summary>
    public string? Reason { get; }

    /// <summary>The scope's state could not be confirmed recently enough: the transaction parks rather than applies (P11).</summary>
    public static ScopeStatus Unknown { get; } = new(ScopeCondition.Unknown, null, null);

    /// <summary>The scope is confirmed closed (or was never opened).</summary>
    public static ScopeStatus Closed { get; } = new(ScopeCondition.Closed, null, null);

    /// <summary>The scope is confirmed open, by the opening that started <paramref name="campaignId"/>.</summary>
    public static ScopeStatus Open(string campaignId, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        ArgumentNullException.ThrowIfNull(reason);
        return new ScopeStatus(ScopeCondition.Open, campaignId, reason);
    }
}

/// <summary>The condition of a recovery scope as a silo sees it.</summary>
internal enum ScopeCondition
{
    /// <summary>Not confirmed within the scope lease.</summary>
    Unknown = 0,

    /// <summary>Confirmed closed.</summary>
    Closed = 1,

    /// <summary>Confirmed open.</summary>
    Open = 2,
}
