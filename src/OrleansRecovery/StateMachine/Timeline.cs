using System.Collections.Immutable;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// Records what happens to a transaction in its bounded timeline (<see cref="TransactionState.Timeline"/>). Pure. Entries are
/// added only by transitions that write the header anyway, so the timeline costs no extra write; parking writes only a segment,
/// so parked messages are counted into one <see cref="TimelineEventKind.Parked"/> entry at the next entry recorded, and runs of
/// recovery messages or replay batches share one entry. At most <see cref="RecoveryLimits.TimelineCapacity"/> entries are kept
/// (P13: the header does not grow with messages or actions).
/// </summary>
internal static class Timeline
{
    /// <summary>Longest text kept per entry.</summary>
    public const int MaxTextLength = 300;

    /// <summary>
    /// <paramref name="state"/> with an entry recorded (or merged into the last one); unchanged when the timeline is off.
    /// <paramref name="covers"/> is how many of the state's queued messages the entry itself is about (a message held or left in
    /// doubt on arrival), so that they are not counted as parked as well.
    /// </summary>
    public static TransactionState Record(TransactionState state, RecoveryLimits limits, DateTimeOffset at, TimelineEventKind kind,
        string text, long count = 0, long covers = 0)
    {
        if (limits.TimelineCapacity == 0)
        {
            return state;
        }

        var events = state.Timeline;
        var queued = state.Counters.Queued;
        var last = events.IsEmpty ? null : events[^1];
        var parked = queued - covers - (last?.QueuedSoFar ?? 0);
        if (parked > 0)
        {
            events = events.Add(new TimelineEvent(at, TimelineEventKind.Parked, "parked since the previous entry", parked, queued - covers));
            last = null;
        }

        text = MessageValidator.Truncate(text, MaxTextLength);
        if (last is not null && last.Kind == kind && kind is TimelineEventKind.Replayed or TimelineEventKind.RecoveryMessages)
        {
            // A run of the same kind is one entry: a long replay or reconciliation does not push the recovery's start out.
            events = events.SetItem(events.Count - 1, last with { At = at, Text = text, Count = last.Count + count });
        }
        else
        {
            events = events.Add(new TimelineEvent(at, kind, text, count, queued));
        }

        return state with { Timeline = events.Count > limits.TimelineCapacity ? events.RemoveRange(0, events.Count - limits.TimelineCapacity) : events };
    }

    /// <summary>How a recovery began, for its entry: why, and through which scope or campaign or in-doubt message.</summary>
    public static string Began(RecoveryInfo recovery)
    {
        var via = recovery switch
        {
            { Subject: { } subject } => $"message {subject.MessageId} left it in doubt: ",
            { Scope: { } scope } => $"scope {scope} (campaign {recovery.CampaignId}): ",
            { CampaignId: { } campaign } => $"campaign {campaign}: ",
            _ => "",
        };
        return $"recovery {recovery.RecoveryId}: {via}{recovery.Reason}";
    }

    /// <summary>An empty timeline.</summary>
    public static ImmutableList<TimelineEvent> Empty => [];
}
