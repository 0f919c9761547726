using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Streams;

/// <summary>
/// Wraps the Azure Queue stream provider's data adapter so that a queue message which cannot be read as Orleans events (raw text
/// put on the queue by something else, a truncated or foreign payload) does not fail the whole read of its queue. Orleans'
/// receiver would otherwise back off 10–20 s, never delete the message, and meet it again after every visibility timeout until
/// its time-to-live ends, stalling every event behind it. Here such a message becomes an empty batch on a stream no grain
/// subscribes to, so the queue moves on and the message is deleted; it is logged (with an excerpt) and counted
/// (<see cref="RecoveryInstruments.UndeliverableQueueMessages"/>).
/// </summary>
internal sealed class UndeliverableQueueMessages : IQueueDataAdapter<string, IBatchContainer>
{
    /// <summary>The stream namespace undeliverable queue messages are routed to (no grain subscribes to it).</summary>
    public const string Namespace = "orleansrecovery-undeliverable";

    private readonly IQueueDataAdapter<string, IBatchContainer> _inner;
    private readonly string _provider;
    private readonly RecoveryMetrics _metrics;
    private readonly ILogger _logger;

    public UndeliverableQueueMessages(IQueueDataAdapter<string, IBatchContainer> inner, string provider, RecoveryMetrics metrics, ILogger logger)
    {
        _inner = inner;
        _provider = provider;
        _metrics = metrics;
        _logger = logger;
    }

    public string ToQueueMessage<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        _inner.ToQueueMessage(streamId, events, token, requestContext);

    public IBatchContainer FromQueueMessage(string queueMessage, long sequenceId)
    {
        try
        {
            return _inner.FromQueueMessage(queueMessage, sequenceId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _metrics.UndeliverableQueueMessage();
            Log.UndeliverableQueueMessage(_logger, ex, _provider, sequenceId, queueMessage is null ? "(null)" : MessageValidator.Truncate(queueMessage));
            return new EmptyBatch(StreamId.Create(Namespace, _provider), new EventSequenceTokenV2(sequenceId));
        }
    }

    /// <summary>A batch with no events: nothing is delivered, and the queue message is deleted like any delivered one.</summary>
    private sealed class EmptyBatch(StreamId streamId, StreamSequenceToken token) : IBatchContainer
    {
        public StreamId StreamId { get; } = streamId;

        public StreamSequenceToken SequenceToken { get; } = token;

        public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

        public bool ImportRequestContext() => false;
    }
}
