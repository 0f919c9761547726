namespace OrleansRecovery;

/// <summary>
/// Governs one transaction (the grain key is the transaction id). Every answer is given after the storage write that covers it.
/// </summary>
[Alias("OrleansRecovery.ITransactionGrain")]
public interface ITransactionGrain : IGrainWithStringKey
{
    /// <summary>Submits one message: applied, parked, answered as a duplicate, or rejected with a reason (a null message too).</summary>
    [Alias("SubmitAsync")]
    Task<SubmitResult> SubmitAsync(TransactionMessage message);

    /// <summary>
    /// Submits messages in order; the answers come in the same order, after the writes that cover all of them.
    /// A batch over the configured limit is rejected whole (every answer <see cref="RejectionCode.BatchTooLarge"/>).
    /// </summary>
    [Alias("SubmitBatchAsync")]
    Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<TransactionMessage> messages);

    /// <summary>
    /// Puts the transaction into recovery, durably, and announces it on the recovery-requests stream. Idempotent: while a recovery
    /// is in progress, returns it unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty or over the configured length.</exception>
    [Alias("BeginRecoveryAsync")]
    Task<RecoveryInfo> BeginRecoveryAsync(string reason);

    /// <summary>
    /// Puts the transaction into recovery as a member of campaign <paramref name="campaignId"/>, durably. It does not announce
    /// the recovery itself: the caller (the campaign) announces the returned recovery, many members to one queue message, on the
    /// campaign's stream (see <see cref="TransactionStreams.RecoveryRequestsNamespace"/>). Idempotent per campaign: returns the current recovery while recovering; returns null, changing nothing, when
    /// the transaction already went through a recovery of this campaign (a resumed campaign never puts anyone in twice).
    /// </summary>
    /// <exception cref="ArgumentException">The campaign id or reason is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">The transaction is faulted (retry or skip its held message first).</exception>
    [Alias("BeginCampaignRecoveryAsync")]
    Task<RecoveryInfo?> BeginCampaignRecoveryAsync(string campaignId, string reason);

    /// <summary>
    /// Operator action on a <see cref="TransactionMode.Faulted"/> transaction: applies the held message again now. On success the
    /// transaction returns to Normal and replays what was parked behind it; if the logic throws again it stays faulted.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is not faulted.</exception>
    [Alias("RetryFaultedAsync")]
    Task<TransactionStatus> RetryFaultedAsync();

    /// <summary>
    /// As <see cref="RetryFaultedAsync()"/>, with the operator's <paramref name="reason"/> (and identity, as the caller words it)
    /// kept in the transaction's timeline entry for the retry, so the durable record says who retried and why.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty or longer than the configured <c>MaxReasonLength</c>.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not faulted.</exception>
    [Alias("RetryFaultedWithReasonAsync")]
    Task<TransactionStatus> RetryFaultedAsync(string reason);

    /// <summary>
    /// Operator action on a <see cref="TransactionMode.Faulted"/> transaction: gives up on the held message (it is kept in the
    /// rejection history with <paramref name="reason"/>), returns to Normal and replays what was parked behind it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is not faulted.</exception>
    /// <exception cref="ArgumentException">The reason is empty or over the configured length.</exception>
    [Alias("SkipFaultedAsync")]
    Task<TransactionStatus> SkipFaultedAsync(string reason);

    /// <summary>Returns the transaction's mode, pending log depth and age, current recovery and counters.</summary>
    [Alias("GetStatusAsync")]
    Task<TransactionStatus> GetStatusAsync();

    /// <summary>Returns the application's data for this transaction (its type is the application's), or null before any.</summary>
    [Alias("GetDataAsync")]
    Task<object?> GetDataAsync();

    /// <summary>
    /// One page of the parked normal messages, from position <paramref name="from"/> (0 is the next to replay), at most
    /// <paramref name="take"/> entries: position, message id, type, size, when parked and a payload excerpt. Answers from the last
    /// acknowledged state without waiting behind writes in progress; its cost does not grow with the depth of the log.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is negative or <paramref name="take"/> is not 1..<see cref="PendingPage.MaxTake"/>.</exception>
    [Alias("GetPendingAsync")]
    Task<PendingPage> GetPendingAsync(long from, int take);

    /// <summary>
    /// What replay would do now with the first <paramref name="max"/> parked entries: the logic runs over them against the current
    /// data, in memory; nothing is written. Per entry: applied, rejected, in doubt, would throw or not reached; and the resulting data.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is not 1..<see cref="ReplayPreview.MaxEntries"/>.</exception>
    [Alias("PreviewReplayAsync")]
    Task<ReplayPreview> PreviewReplayAsync(int max);
}
