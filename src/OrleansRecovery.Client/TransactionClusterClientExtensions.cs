using OrleansRecovery.Client;

namespace OrleansRecovery;

/// <summary>Typed conveniences over <see cref="IClusterClient"/> (or any <see cref="IGrainFactory"/>) for front-end services.</summary>
public static class TransactionClusterClientExtensions
{
    /// <summary>The grain governing <paramref name="transactionId"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty, too long or contains control characters.</exception>
    public static ITransactionGrain GetTransaction(this IGrainFactory grains, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        TransactionClientValidation.ValidateTransactionId(transactionId);
        return grains.GetGrain<ITransactionGrain>(transactionId);
    }

    /// <summary>Submits one message to a transaction, checking it first.</summary>
    /// <exception cref="ArgumentException">The transaction id or the message is malformed.</exception>
    public static Task<SubmitResult> SubmitAsync(this IGrainFactory grains, string transactionId, TransactionMessage message)
    {
        TransactionClientValidation.ValidateMessage(message);
        return grains.GetTransaction(transactionId).SubmitAsync(message);
    }

    /// <summary>Submits messages to a transaction in order, checking each first; answers come in the same order.</summary>
    /// <exception cref="ArgumentException">The transaction id or a message is malformed.</exception>
    public static Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(this IGrainFactory grains, string transactionId,
        IReadOnlyList<TransactionMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            TransactionClientValidation.ValidateMessage(message);
        }

        return grains.GetTransaction(transactionId).SubmitBatchAsync(messages);
    }

    /// <summary>Puts a transaction into recovery (idempotent).</summary>
    public static Task<RecoveryInfo> BeginRecoveryAsync(this IGrainFactory grains, string transactionId, string reason) =>
        grains.GetTransaction(transactionId).BeginRecoveryAsync(reason);

    /// <summary>A transaction's status.</summary>
    public static Task<TransactionStatus> GetStatusAsync(this IGrainFactory grains, string transactionId) =>
        grains.GetTransaction(transactionId).GetStatusAsync();

    /// <summary>Transactions that are recovering, faulted or stuck (from the sharded registry; no storage scan).</summary>
    public static Task<IReadOnlyList<RegistryEntry>> ListTransactionsAsync(this IGrainFactory grains, RegistryQuery? query = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IRecoveryRegistryGrain>(0).ListAsync(query ?? RegistryQuery.All);
    }

    /// <summary>A transaction's application data, as <typeparamref name="TData"/>.</summary>
    /// <exception cref="InvalidCastException">The data is of another type.</exception>
    public static async Task<TData?> GetDataAsync<TData>(this IGrainFactory grains, string transactionId)
        where TData : class
    {
        var data = await grains.GetTransaction(transactionId).GetDataAsync().ConfigureAwait(false);
        return data switch
        {
            null => null,
            TData typed => typed,
            _ => throw new InvalidCastException($"Transaction '{transactionId}' holds {data.GetType().FullName}, not {typeof(TData).FullName}."),
        };
    }
}
