using System.Globalization;

namespace OrleansRecovery.Testing.Checking;

/// <summary>What <see cref="QueueChecker"/> found. <see cref="IsValid"/> when lost, duplicated, reordered and unexpected are all 0.</summary>
public sealed record QueueCheckResult
{
    /// <summary>Distinct messages sent (a message id retried counts once).</summary>
    public required int Sent { get; init; }

    /// <summary>Messages whose final acknowledgement promises their effect (Processed, Queued, Duplicate, Published).</summary>
    public required int Acknowledged { get; init; }

    /// <summary>Statement lines read, over every transaction.</summary>
    public required int Applied { get; init; }

    /// <summary>Acknowledged messages expected to take effect that never appear in their transaction's statement.</summary>
    public required int Lost { get; init; }

    /// <summary>Message ids that appear more than once in their transaction's statement.</summary>
    public required int Duplicated { get; init; }

    /// <summary>
    /// Normal messages applied ahead of a message of the same transaction whose admission was acknowledged before they were first
    /// sent.
    /// </summary>
    public required int Reordered { get; init; }

    /// <summary>Message ids applied that were never sent, were rejected, or were sent as messages without an effect of their own.</summary>
    public required int Unexpected { get; init; }

    /// <summary>Messages without a final acknowledgement (every attempt failed); they may or may not be applied.</summary>
    public required int Indeterminate { get; init; }

    /// <summary>Messages that needed more than one attempt.</summary>
    public required int Retried { get; init; }

    /// <summary>One line per problem found (bounded), naming the transaction and the message.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>True when nothing was lost, duplicated, reordered or unexpected.</summary>
    public bool IsValid => Lost == 0 && Duplicated == 0 && Reordered == 0 && Unexpected == 0;

    /// <summary>The one-line summary: <c>checker: sent=N acked=N applied=N lost=0 duplicated=0 reordered=0 unexpected=0</c>.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"checker: sent={Sent} acked={Acknowledged} applied={Applied} lost={Lost} duplicated={Duplicated} reordered={Reordered} unexpected={Unexpected}");

    /// <summary>The summary, then the problems, one per line.</summary>
    public string Describe() =>
        Problems.Count == 0 ? Summary : Summary + Environment.NewLine + string.Join(Environment.NewLine, Problems.Select(p => "  - " + p));

    /// <inheritdoc />
    public override string ToString() => Summary;
}
