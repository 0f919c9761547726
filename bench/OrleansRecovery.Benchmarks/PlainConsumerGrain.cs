using Orleans.Streams;
using Orleans.Streams.Core;

namespace OrleansRecovery.Benchmarks;

/// <summary>Marker interface of the plain stream consumer (it has no methods of its own).</summary>
[Alias("Bench.IPlainConsumerGrain")]
public interface IPlainConsumerGrain : IGrainWithStringKey;

/// <summary>
/// The baseline stream consumer: an implicit subscription on the same provider and queues as the engine, which only counts
/// what it receives (no storage). Shows what the stream machinery itself costs.
/// </summary>
[ImplicitStreamSubscription(PlainConsumerGrain.Namespace)]
public sealed class PlainConsumerGrain : Grain, IPlainConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<TransactionMessage>
{
    /// <summary>The stream namespace the plain consumer subscribes to.</summary>
    public const string Namespace = "bench-plain";

    /// <inheritdoc />
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<TransactionMessage>().ResumeAsync(this);
    }

    /// <inheritdoc />
    public Task OnNextAsync(TransactionMessage item, StreamSequenceToken? token = null)
    {
        BenchCounters.PlainReceived.Increment();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
