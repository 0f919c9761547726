using Orleans.Streams;
using Orleans.Streams.Core;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>Records the <see cref="RecoveryRequested"/> events announced for one transaction (grain key = transaction id).</summary>
[Alias("OrleansRecovery.Tests.Integration.IRecoveryRequestProbeGrain")]
public interface IRecoveryRequestProbeGrain : IGrainWithStringKey
{
    /// <summary>The events received so far, in order.</summary>
    [Alias("GetReceivedAsync")]
    Task<IReadOnlyList<RecoveryRequested>> GetReceivedAsync();
}

/// <summary>
/// A stand-in for a recovery agent: implicitly subscribed to <see cref="TransactionStreams.RecoveryRequestsNamespace"/>, so it
/// is activated (with the transaction id as its key) whenever a transaction announces that it needs recovery.
/// </summary>
[ImplicitStreamSubscription(TransactionStreams.RecoveryRequestsNamespace)]
public sealed class RecoveryRequestProbeGrain : Grain, IRecoveryRequestProbeGrain, IStreamSubscriptionObserver, IAsyncObserver<RecoveryRequested>
{
    private readonly List<RecoveryRequested> _received = [];

    public Task<IReadOnlyList<RecoveryRequested>> GetReceivedAsync() => Task.FromResult<IReadOnlyList<RecoveryRequested>>([.. _received]);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<RecoveryRequested>().ResumeAsync(this);
    }

    public Task OnNextAsync(RecoveryRequested item, StreamSequenceToken? token = null)
    {
        _received.Add(item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
