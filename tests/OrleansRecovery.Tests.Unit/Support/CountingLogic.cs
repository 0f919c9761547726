using System.Collections.Immutable;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>
/// The test application's data: the ids whose effect was applied, in order (recovery messages as "R:" + id), plus flags.
/// </summary>
public sealed record TestData(ImmutableList<string> Applied, ImmutableHashSet<string> Flags)
{
    public static TestData Empty { get; } = new([], []);

    public TestData Append(string entry) => this with { Applied = Applied.Add(entry) };

    public TestData Flag(string flag) => this with { Flags = Flags.Add(flag) };
}

/// <summary>
/// Test logic. Normal: "apply" → Applied (appends the id), "in-doubt" → InDoubt (appends the id: applied at admission, its outcome
/// unknown), "bad" → Rejected, "throw" → throws. Recovery: "fix" → Continue (appends "R:" + id), "done" → Complete (appends
/// "R:" + id and flags "resolved:" + subject id when there is a subject), "bad" → Rejected, "throw" → throws.
/// </summary>
public sealed class CountingLogic : TransactionLogic<TestData>
{
    public const string BadReason = "payload of a 'bad' message cannot be parsed";
    public const string ThrowMessage = "the logic exploded";

    protected override TestData CreateInitialData(string transactionId) => TestData.Empty;

    protected override NormalDecision ApplyNormal(TestData data, TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(message);
        return message.Type switch
        {
            "apply" => NormalDecision.Applied(data.Append(message.MessageId)),
            "in-doubt" => NormalDecision.InDoubt(data.Append(message.MessageId), $"external call for {message.MessageId} timed out"),
            "bad" => NormalDecision.Rejected(BadReason),
            "throw" => throw new InvalidOperationException(ThrowMessage),
            _ => NormalDecision.Rejected($"unknown normal type '{message.Type}'"),
        };
    }

    protected override RecoveryDecision ApplyRecovery(TestData data, TransactionMessage message, RecoveryInfo recovery)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recovery);
        return message.Type switch
        {
            "fix" => RecoveryDecision.Continue(data.Append("R:" + message.MessageId)),
            "done" => RecoveryDecision.Complete(recovery.Subject is { } subject
                ? data.Append("R:" + message.MessageId).Flag("resolved:" + subject.MessageId)
                : data.Append("R:" + message.MessageId)),
            "bad" => RecoveryDecision.Rejected(BadReason),
            "throw" => throw new InvalidOperationException(ThrowMessage),
            _ => RecoveryDecision.Rejected($"unknown recovery type '{message.Type}'"),
        };
    }
}
