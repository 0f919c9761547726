using Orleans.Runtime;
using Orleans.Streams;
using OrleansRecovery.Client;

namespace OrleansRecovery;

/// <summary>
/// Publishes transaction messages onto the inbound stream of their transaction (Azure Queue persistent streams). A publish
/// completes when the event is in the queue, not when it is applied: the grain answers stream events through its status and
/// metrics, and deduplicates redeliveries by message id.
/// </summary>
public sealed class TransactionStreamPublisher
{
    /// <summary>
    /// Most bytes of messages (ids, types, payloads) one publish may carry. An Azure queue message holds 64 KiB of base64, that
    /// is 48 KiB of serialized events; this leaves room for the envelope. Larger payloads go through the client SDK.
    /// </summary>
    public const int MaxPublishBytes = 45_000;

    private readonly IStreamProvider _provider;

    /// <summary>Creates a publisher over the client's stream provider named <paramref name="providerName"/>.</summary>
    public TransactionStreamPublisher(IClusterClient client, string providerName = TransactionStreams.ProviderName)
    {
        ArgumentNullException.ThrowIfNull(client);
        _provider = client.GetStreamProvider(providerName);
    }

    /// <summary>Publishes one message for <paramref name="transactionId"/>; the message is stamped with the transaction id.</summary>
    public Task PublishAsync(string transactionId, TransactionMessage message)
    {
        TransactionClientValidation.ValidateTransactionId(transactionId);
        TransactionClientValidation.ValidateMessage(message);
        CheckSize([message]);
        return Stream(transactionId).OnNextAsync(message with { TransactionId = transactionId });
    }

    /// <summary>Publishes messages for one transaction in order as one queue message (one batch).</summary>
    public Task PublishBatchAsync(string transactionId, IReadOnlyList<TransactionMessage> messages)
    {
        TransactionClientValidation.ValidateTransactionId(transactionId);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            TransactionClientValidation.ValidateMessage(message);
        }

        CheckSize(messages);
        return Stream(transactionId).OnNextBatchAsync(messages.Select(m => m with { TransactionId = transactionId }).ToList());
    }

    private static void CheckSize(IReadOnlyList<TransactionMessage> messages)
    {
        var bytes = messages.Sum(m => 64 + System.Text.Encoding.UTF8.GetByteCount(m.MessageId)
            + System.Text.Encoding.UTF8.GetByteCount(m.Type) + System.Text.Encoding.UTF8.GetByteCount(m.Payload));
        if (bytes > MaxPublishBytes)
        {
            throw new ArgumentException(
                $"A publish of {messages.Count} message(s) carries about {bytes} bytes; an Azure queue message holds at most {MaxPublishBytes} " +
                "(MaxPublishBytes). Publish fewer messages at once, or send large payloads through the client SDK.", nameof(messages));
        }
    }

    private IAsyncStream<TransactionMessage> Stream(string transactionId) =>
        _provider.GetStream<TransactionMessage>(StreamId.Create(TransactionStreams.InboundNamespace, transactionId));
}
