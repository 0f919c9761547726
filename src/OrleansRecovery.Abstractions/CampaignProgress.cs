namespace OrleansRecovery;

/// <summary>
/// What a recovery campaign knows of its members. The stored part (members, cursors) comes from the campaign's records; the
/// member states (recovering, stuck, faulted, replaying) come from the recovery registry, so they converge with it.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.CampaignProgress")]
public sealed record CampaignProgress
{
    /// <summary>The campaign id.</summary>
    [Id(0)] public required string CampaignId { get; init; }

    /// <summary>Why the campaign was started.</summary>
    [Id(1)] public required string Reason { get; init; }

    /// <summary>Where it stands.</summary>
    [Id(2)] public required CampaignState State { get; init; }

    /// <summary>Members added.</summary>
    [Id(3)] public long Members { get; init; }

    /// <summary>Members put into recovery so far (the entering cursor).</summary>
    [Id(4)] public long Entered { get; init; }

    /// <summary>Members the registry lists as recovering (stuck ones included).</summary>
    [Id(5)] public long Recovering { get; init; }

    /// <summary>Members whose recovery has lasted longer than the stuck threshold.</summary>
    [Id(6)] public long Stuck { get; init; }

    /// <summary>Members holding a poison message.</summary>
    [Id(7)] public long Faulted { get; init; }

    /// <summary>Members back to Normal that are still replaying their parked messages.</summary>
    [Id(8)] public long Replaying { get; init; }

    /// <summary>Members entered and no longer listed: back to Normal with nothing parked.</summary>
    [Id(9)] public long BackToNormal { get; init; }

    /// <summary>When the oldest listed member's recovery (or fault) began.</summary>
    [Id(10)] public DateTimeOffset? OldestSince { get; init; }

    /// <summary>Some stuck members (at most 20).</summary>
    [Id(11)] public IReadOnlyList<string> StuckTransactions { get; init; } = [];

    /// <summary>Members returning to Normal per second, over the last minute; null until measured.</summary>
    [Id(12)] public double? RatePerSecond { get; init; }

    /// <summary>Time until every entered member is back to Normal at <see cref="RatePerSecond"/>; null when unknown.</summary>
    [Id(13)] public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Members answered by the bulk completion so far (its cursor); 0 when none was asked for.</summary>
    [Id(14)] public long Completed { get; init; }

    /// <summary>When the campaign was created.</summary>
    [Id(15)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The recovery scope whose opening started this campaign, or null for an explicit campaign.</summary>
    [Id(16)] public string? Scope { get; init; }

    /// <summary>
    /// Members that could not be reached for several minutes and were passed over (logged with their ids, event 5014): they were
    /// not put into recovery (or not sent the bulk completion). Zero in a healthy campaign; act on it.
    /// </summary>
    [Id(17)] public long Failed { get; init; }

    /// <summary>Who started the campaign and why, when a reason was given (<see cref="IRecoveryCampaignGrain.StartAsync(string)"/>); null otherwise.</summary>
    [Id(18)] public string? StartReason { get; init; }

    /// <summary>
    /// Who asked for the bulk completion and why, when a reason was given
    /// (<see cref="IRecoveryCampaignGrain.CompleteAllAsync(string, string, string)"/>); null otherwise.
    /// </summary>
    [Id(19)] public string? CompletionReason { get; init; }
}
