namespace OrleansRecovery;

/// <summary>Where a recovery campaign stands.</summary>
public enum CampaignState
{
    /// <summary>Created; members are being added. Nobody has been put into recovery yet.</summary>
    Draft = 0,

    /// <summary>Started: members are being put into recovery, in member order (resumed after a crash from a stored cursor).</summary>
    Entering = 1,

    /// <summary>Every member was put into recovery (or found faulted); they complete with their recovery messages.</summary>
    Entered = 2,

    /// <summary>Every member is back to Normal with nothing parked.</summary>
    Done = 3,
}
