using OrleansRecovery.Testing.Checking;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// Wraps a cluster client for fault tests: every call is recorded in a <see cref="QueueHistory"/> (sent, then its answer when
/// one comes; a call that throws stays sent-without-acknowledgement, i.e. indeterminate), so that a test can end with
/// <see cref="QueueChecker"/> over the transactions' statements.
/// </summary>
public sealed class CheckedClient(IClusterClient client, ITestOutputHelper? output = null)
{
    /// <summary>Everything sent and acknowledged through this wrapper (or recorded explicitly).</summary>
    public QueueHistory History { get; } = new();

    /// <summary>Sends one message and records it and its answer; an exception is recorded as no acknowledgement and rethrown.</summary>
    public async Task<SubmitResult> SubmitAsync(string transactionId, TransactionMessage message, bool expectEffect = true,
        string sender = "sdk")
    {
        var send = History.Begin(transactionId, message.MessageId, message.Kind, sender, expectEffect);
        var result = await client.SubmitAsync(transactionId, message);
        send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
        return result;
    }

    /// <summary>Sends a batch straight to the grain (unvalidated, as a hostile sender could) and records each message (messages
    /// without an id cannot be recorded and are skipped).</summary>
    public async Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(string transactionId, IReadOnlyList<TransactionMessage> messages,
        string sender = "sdk")
    {
        var sends = messages
            .Select(m => string.IsNullOrEmpty(m.MessageId) ? null : History.Begin(transactionId, m.MessageId, m.Kind, sender))
            .ToList();
        var results = await client.GetTransaction(transactionId).SubmitBatchAsync(messages);
        for (var i = 0; i < sends.Count; i++)
        {
            sends[i]?.Acknowledge(AckOutcomes.FromSubmitOutcome(results[i].Outcome));
        }

        return results;
    }

    /// <summary>Publishes one message on the transaction's stream and records it as <see cref="AckOutcome.Published"/> once the publish completes.</summary>
    public async Task PublishAsync(TransactionStreamPublisher publisher, string transactionId, TransactionMessage message)
    {
        var send = History.Begin(transactionId, message.MessageId, message.Kind, "stream");
        await publisher.PublishAsync(transactionId, message);
        send.Acknowledge(AckOutcome.Published);
    }

    /// <summary>Records a message whose effect was stored by another writer (not through this wrapper).</summary>
    public void Record(string transactionId, string messageId, AckOutcome outcome, string sender, bool expectEffect = true)
    {
        var send = History.Begin(transactionId, messageId, MessageKind.Normal, sender, expectEffect);
        send.Acknowledge(outcome);
    }

    /// <summary>
    /// Reads each transaction's statement, runs <see cref="QueueChecker"/> over the history, writes its summary line, and asserts
    /// nothing was lost, duplicated, reordered or unexpected.
    /// </summary>
    public async Task<QueueCheckResult> AssertCheckerCleanAsync(params string[] transactionIds)
    {
        var statements = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var tx in transactionIds)
        {
            statements[tx] = await client.StatementIdsAsync(tx);
        }

        var result = QueueChecker.Check(History.Snapshot(), statements);
        output?.WriteLine(result.Summary);
        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.Equal(0, result.Reordered);
        Assert.Equal(0, result.Unexpected);
        return result;
    }
}
