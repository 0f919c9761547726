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

    /// <summary>
    /// Submits one message to a transaction, checking it first. Safe to retry after a timeout or a lost connection with the same
    /// message (same id): a message already admitted is answered <see cref="SubmitOutcome.Duplicate"/>, never applied twice.
    /// </summary>
    /// <exception cref="ArgumentException">(On the task.) The transaction id or the message is malformed.</exception>
    public static async Task<SubmitResult> SubmitAsync(this IGrainFactory grains, string transactionId, TransactionMessage message)
    {
        TransactionClientValidation.ValidateMessage(message);
        return await grains.GetTransaction(transactionId).SubmitAsync(message).ConfigureAwait(false);
    }

    /// <summary>
    /// Submits messages to a transaction in order, checking each first; answers come in the same order. Safe to retry whole
    /// after a timeout: each message already admitted is answered <see cref="SubmitOutcome.Duplicate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">(On the task.) The transaction id or a message is malformed.</exception>
    public static async Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(this IGrainFactory grains, string transactionId,
        IReadOnlyList<TransactionMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            TransactionClientValidation.ValidateMessage(message);
        }

        return await grains.GetTransaction(transactionId).SubmitBatchAsync(messages).ConfigureAwait(false);
    }

    /// <summary>Puts a transaction into recovery. Idempotent, so safe to retry: while recovering it returns the current recovery.</summary>
    /// <exception cref="ArgumentException">(On the task.) The transaction id or the reason is unusable.</exception>
    public static async Task<RecoveryInfo> BeginRecoveryAsync(this IGrainFactory grains, string transactionId, string reason) =>
        await grains.GetTransaction(transactionId).BeginRecoveryAsync(reason).ConfigureAwait(false);

    /// <summary>A transaction's status (a read; safe to retry).</summary>
    /// <exception cref="ArgumentException">(On the task.) The transaction id is unusable.</exception>
    public static async Task<TransactionStatus> GetStatusAsync(this IGrainFactory grains, string transactionId) =>
        await grains.GetTransaction(transactionId).GetStatusAsync().ConfigureAwait(false);

    /// <summary>Transactions that are recovering, faulted or stuck (from the sharded registry; no storage scan; a read).</summary>
    public static async Task<IReadOnlyList<RegistryEntry>> ListTransactionsAsync(this IGrainFactory grains, RegistryQuery? query = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return await grains.GetGrain<IRecoveryRegistryGrain>(0).ListAsync(query ?? RegistryQuery.All).ConfigureAwait(false);
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
