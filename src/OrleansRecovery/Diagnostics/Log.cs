using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Diagnostics;

/// <summary>The engine's log messages. Event ids are stable: 1xxx lifecycle, 2xxx messages, 3xxx storage, 4xxx streams.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Transaction {TransactionId} entered recovery {RecoveryId}: {Reason}")]
    public static partial void RecoveryStarted(ILogger logger, string transactionId, string recoveryId, string reason);

    [LoggerMessage(1002, LogLevel.Information, "Transaction {TransactionId} completed recovery {RecoveryId}; {PendingCount} parked messages to replay")]
    public static partial void RecoveryCompleted(ILogger logger, string transactionId, string recoveryId, long pendingCount);

    [LoggerMessage(1003, LogLevel.Information, "Transaction {TransactionId} finished replay at position {ReplayPosition}")]
    public static partial void ReplayFinished(ILogger logger, string transactionId, long replayPosition);

    [LoggerMessage(1004, LogLevel.Debug, "Transaction {TransactionId} loaded: mode {Mode}, {PendingCount} pending")]
    public static partial void Loaded(ILogger logger, string transactionId, TransactionMode mode, long pendingCount);

    [LoggerMessage(1005, LogLevel.Error, "Transaction {TransactionId} is faulted: message {MessageId} failed after {Attempts} attempt(s): {Error}")]
    public static partial void Faulted(ILogger logger, string transactionId, string messageId, int attempts, string error);

    [LoggerMessage(1006, LogLevel.Warning, "Transaction {TransactionId}: recovery {RecoveryId} is stuck (started {Since:o}, not completed after {StuckAfter}); announcing it again")]
    public static partial void RecoveryStuck(ILogger logger, string transactionId, string recoveryId, DateTimeOffset since, TimeSpan stuckAfter);

    [LoggerMessage(3005, LogLevel.Warning, "Transaction {TransactionId}: reporting to the recovery registry failed; it will be retried")]
    public static partial void RegistryReportFailed(ILogger logger, Exception exception, string transactionId);

    [LoggerMessage(2001, LogLevel.Warning, "Transaction {TransactionId} rejected message {MessageId} ({Code}): {Reason}")]
    public static partial void MessageRejected(ILogger logger, string transactionId, string messageId, RejectionCode code, string? reason);

    [LoggerMessage(3001, LogLevel.Warning, "Transaction {TransactionId}: storage write failed; state will be reloaded before the next decision")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string transactionId);

    [LoggerMessage(3002, LogLevel.Warning, "Transaction {TransactionId}: replay step failed ({Failures} in a row); retrying in {RetryDelay}")]
    public static partial void ReplayStepFailed(ILogger logger, Exception exception, string transactionId, int failures, TimeSpan retryDelay);

    [LoggerMessage(3003, LogLevel.Debug, "Transaction {TransactionId}: clearing applied segments failed (harmless: they are never read again)")]
    public static partial void ClearFailed(ILogger logger, Exception exception, string transactionId);

    [LoggerMessage(3004, LogLevel.Warning, "Transaction {TransactionId}: replay watchdog reminder could not be changed")]
    public static partial void WatchdogFailed(ILogger logger, Exception exception, string transactionId);

    [LoggerMessage(4001, LogLevel.Warning, "Transaction {TransactionId}: announcing recovery {RecoveryId} on stream provider {Provider} failed")]
    public static partial void AnnounceFailed(ILogger logger, Exception exception, string transactionId, string recoveryId, string provider);

    [LoggerMessage(4002, LogLevel.Warning, "Transaction {TransactionId}: stream event of type {EventType} is not a TransactionMessage; rejected")]
    public static partial void ForeignStreamEvent(ILogger logger, string transactionId, string eventType);

    [LoggerMessage(4004, LogLevel.Error, "Stream provider {Provider}: queue message {SequenceId} cannot be read as events and is dropped: {Excerpt}")]
    public static partial void UndeliverableQueueMessage(ILogger logger, Exception exception, string provider, long sequenceId, string excerpt);

    [LoggerMessage(4003, LogLevel.Warning, "Transaction {TransactionId}: inbound stream reported an error")]
    public static partial void StreamError(ILogger logger, Exception exception, string transactionId);

    // Recovery registry shards: 2xx.
    [LoggerMessage(201, LogLevel.Information, "Registry shard {Shard} loaded {Entries} entries from {Pages} pages in {Elapsed}")]
    public static partial void RegistryShardLoaded(ILogger logger, long shard, int entries, long pages, TimeSpan elapsed);

    [LoggerMessage(202, LogLevel.Information, "Registry shard {Shard} migrated {Entries} entries from its single-record layout into pages")]
    public static partial void RegistryShardMigrated(ILogger logger, long shard, int entries);

    [LoggerMessage(203, LogLevel.Warning, "Registry shard {Shard}: writing page {Page} failed; reloaded it and failed {Callers} caller(s), who retry")]
    public static partial void RegistryPageWriteFailed(ILogger logger, Exception exception, long shard, long page, int callers);

    [LoggerMessage(204, LogLevel.Warning, "Registry shard {Shard}: reloading after a failed write failed; deactivating so the next call loads it afresh")]
    public static partial void RegistryShardReloadFailed(ILogger logger, Exception exception, long shard);

    [LoggerMessage(205, LogLevel.Warning, "Registry shard {Shard}: its reconciliation reminder could not be registered; it reconciles while active")]
    public static partial void RegistryReminderFailed(ILogger logger, Exception exception, long shard);

    [LoggerMessage(206, LogLevel.Warning, "Registry shard {Shard}: reconciling transaction {TransactionId} failed; retried at a later pass")]
    public static partial void RegistryReconcileFailed(ILogger logger, Exception exception, long shard, string transactionId);

    [LoggerMessage(207, LogLevel.Information, "Registry shard {Shard} reconciled {Checked} entries: {Removed} removed, {Fixed} fixed, {Woken} transactions woken (replay, fault retry or stuck recovery)")]
    public static partial void RegistryReconciled(ILogger logger, long shard, int @checked, int removed, int @fixed, int woken);
}
