namespace OrleansRecovery;

/// <summary>What happened to a transaction, in a <see cref="TimelineEvent"/>.</summary>
public enum TimelineEventKind
{
    /// <summary>A recovery began: by an operator's call, a campaign, a scope's opening, or a message left in doubt (the text says which and why).</summary>
    RecoveryBegun,

    /// <summary>Normal messages were parked (or held) since the previous event; the count says how many.</summary>
    Parked,

    /// <summary>Recovery messages were processed (consecutive ones share one event; the count says how many, the text names the last).</summary>
    RecoveryMessages,

    /// <summary>The recovery completed; the count is how many parked messages wait for replay.</summary>
    RecoveryCompleted,

    /// <summary>Parked messages were replayed (consecutive batches share one event; the count says how many).</summary>
    Replayed,

    /// <summary>A message's logic threw: the transaction is faulted with it held.</summary>
    Faulted,

    /// <summary>The held message was applied again (by an operator or automatically); the text says how it went.</summary>
    Retried,

    /// <summary>An operator gave up on the held message; the text holds the reason.</summary>
    Skipped,
}
