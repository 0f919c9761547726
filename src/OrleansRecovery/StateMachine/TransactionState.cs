using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// Everything the state machine knows of one transaction, as an immutable value: what storage holds (header and pending log)
/// plus informational counters. A transition produces a new value; the grain keeps the old one until the write succeeds.
/// </summary>
internal sealed record TransactionState
{
    /// <summary>The mode.</summary>
    public TransactionMode Mode { get; init; }

    /// <summary>The recovery in progress, or null in Normal mode.</summary>
    public RecoveryInfo? Recovery { get; init; }

    /// <summary>The held poison message while <see cref="Mode"/> is <see cref="TransactionMode.Faulted"/>.</summary>
    public FaultInfo? Fault { get; init; }

    /// <summary>The application's data.</summary>
    public object? Data { get; init; }

    /// <summary>Recently admitted message ids (applied, processed or recovery subjects).</summary>
    public required MessageIdWindow Admitted { get; init; }

    /// <summary>Normal messages admitted and not yet applied.</summary>
    public PendingLog Pending { get; init; } = PendingLog.Empty;

    /// <summary>Answers given, by outcome.</summary>
    public MessageCounters Counters { get; init; }

    /// <summary>Recently rejected messages, oldest first.</summary>
    public ImmutableList<RejectedMessage> Rejections { get; init; } = [];

    /// <summary>
    /// The campaigns (explicit ones and scope openings) this transaction most recently went into recovery for, oldest first, at most
    /// <see cref="CampaignMemory"/>. A campaign that is resumed, or a scope still open after this transaction's recovery completed,
    /// does not put it in again.
    /// </summary>
    public ImmutableList<string> RecentCampaigns { get; init; } = [];

    /// <summary>What happened to the transaction, oldest first, at most <see cref="RecoveryLimits.TimelineCapacity"/> entries.</summary>
    public ImmutableList<TimelineEvent> Timeline { get; init; } = [];

    /// <summary>The campaign of the latest recovery begun (null if it had none): the campaign a replay after it belongs to.</summary>
    public string? LastRecoveryCampaignId { get; init; }

    /// <summary>How many campaign ids <see cref="RecentCampaigns"/> keeps: a bounded record, whatever the number of campaigns.</summary>
    public const int CampaignMemory = 16;

    /// <summary>True when the transaction went into recovery for <paramref name="campaignId"/> (and still remembers it).</summary>
    public bool HasJoined(string campaignId) => RecentCampaigns.Contains(campaignId, StringComparer.Ordinal);

    /// <summary>The state with <paramref name="campaignId"/> remembered as joined (the oldest is forgotten beyond the memory).</summary>
    public TransactionState Joining(string campaignId)
    {
        if (HasJoined(campaignId))
        {
            return this;
        }

        var campaigns = RecentCampaigns.Add(campaignId);
        return this with { RecentCampaigns = campaigns.Count > CampaignMemory ? campaigns.RemoveAt(0) : campaigns };
    }

    /// <summary>True when parked messages wait for replay (Normal mode with a non-empty pending log).</summary>
    public bool ReplayDue => Mode == TransactionMode.Normal && !Pending.IsEmpty;

    /// <summary>True when a recovery has lasted <paramref name="stuckAfter"/> or longer at <paramref name="now"/>.</summary>
    public bool IsStuck(DateTimeOffset now, TimeSpan stuckAfter) =>
        Mode == TransactionMode.Recovering && Recovery is { } recovery && now - recovery.Since >= stuckAfter;

    /// <summary>True when the transaction belongs in the recovery registry: recovering, faulted, or with parked messages.</summary>
    public bool IsListed => Mode != TransactionMode.Normal || !Pending.IsEmpty;

    /// <summary>The state of a transaction never written before.</summary>
    public static TransactionState New(object? data, RecoveryLimits limits) =>
        new() { Data = data, Admitted = MessageIdWindow.Empty(limits.DedupWindow) };

    /// <summary>True when a message with this id hash was admitted and is still remembered (window, pending log, the recovery's subject or the held fault).</summary>
    public bool HasAdmitted(ulong idHash) =>
        Admitted.Contains(idHash)
        || Pending.ContainsId(idHash)
        || (Recovery?.Subject is { } subject && MessageIdHash.Of(subject.MessageId) == idHash)
        || (Fault is { } fault && MessageIdHash.Of(fault.Message.MessageId) == idHash);
}
