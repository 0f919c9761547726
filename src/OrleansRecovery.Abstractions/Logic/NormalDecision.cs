namespace OrleansRecovery.Logic;

/// <summary>What the application decided about a normal message.</summary>
public readonly record struct NormalDecision
{
    private NormalDecision(NormalVerdict verdict, object? data, string? reason)
    {
        Verdict = verdict;
        Data = data;
        Reason = reason;
    }

    /// <summary>The decision.</summary>
    public NormalVerdict Verdict { get; }

    /// <summary>The transaction's new data (for <see cref="NormalVerdict.Applied"/> and <see cref="NormalVerdict.InDoubt"/>).</summary>
    public object? Data { get; }

    /// <summary>Why (for <see cref="NormalVerdict.InDoubt"/> and <see cref="NormalVerdict.Rejected"/>).</summary>
    public string? Reason { get; }

    /// <summary>The message's effect is in <paramref name="data"/>.</summary>
    public static NormalDecision Applied(object? data) => new(NormalVerdict.Applied, data, null);

    /// <summary>
    /// The message left the transaction in doubt (e.g. an external call timed out): the engine saves <paramref name="data"/>,
    /// enters recovery with this message as its subject, and parks later normal messages behind it.
    /// </summary>
    public static NormalDecision InDoubt(object? data, string reason) =>
        new(NormalVerdict.InDoubt, data, RequireReason(reason));

    /// <summary>The message can never be applied (e.g. its payload is malformed). Nothing changes; the sender is told why.</summary>
    public static NormalDecision Rejected(string reason) => new(NormalVerdict.Rejected, null, RequireReason(reason));

    private static string RequireReason(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return reason;
    }
}

/// <summary>The kinds of <see cref="NormalDecision"/>.</summary>
public enum NormalVerdict
{
    /// <summary>The effect was applied.</summary>
    Applied,

    /// <summary>The outcome is unknown; recovery must decide it.</summary>
    InDoubt,

    /// <summary>The message can never be applied.</summary>
    Rejected,
}
