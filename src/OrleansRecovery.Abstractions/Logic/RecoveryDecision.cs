namespace OrleansRecovery.Logic;

/// <summary>What the application decided about a recovery message.</summary>
public readonly record struct RecoveryDecision
{
    private RecoveryDecision(RecoveryVerdict verdict, object? data, string? reason)
    {
        Verdict = verdict;
        Data = data;
        Reason = reason;
    }

    /// <summary>The decision.</summary>
    public RecoveryVerdict Verdict { get; }

    /// <summary>The transaction's new data (for <see cref="RecoveryVerdict.Continue"/> and <see cref="RecoveryVerdict.Complete"/>).</summary>
    public object? Data { get; }

    /// <summary>Why (for <see cref="RecoveryVerdict.Rejected"/>).</summary>
    public string? Reason { get; }

    /// <summary>The message was applied; recovery goes on.</summary>
    public static RecoveryDecision Continue(object? data) => new(RecoveryVerdict.Continue, data, null);

    /// <summary>The message was applied and completes recovery: the mode is set to Normal in the same write, then parked messages replay.</summary>
    public static RecoveryDecision Complete(object? data) => new(RecoveryVerdict.Complete, data, null);

    /// <summary>The message can never be applied. Nothing changes; the sender is told why.</summary>
    public static RecoveryDecision Rejected(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(RecoveryVerdict.Rejected, null, reason);
    }
}

/// <summary>The kinds of <see cref="RecoveryDecision"/>.</summary>
public enum RecoveryVerdict
{
    /// <summary>Applied; still recovering.</summary>
    Continue,

    /// <summary>Applied; recovery is complete.</summary>
    Complete,

    /// <summary>The message can never be applied.</summary>
    Rejected,
}
