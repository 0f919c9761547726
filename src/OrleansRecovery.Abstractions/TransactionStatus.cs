namespace OrleansRecovery;

/// <summary>What an operator or client can see of one transaction.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.TransactionStatus")]
public sealed record TransactionStatus
{
    /// <summary>The transaction id (the grain key).</summary>
    [Id(0)] public required string TransactionId { get; init; }

    /// <summary>The persisted mode.</summary>
    [Id(1)] public required TransactionMode Mode { get; init; }

    /// <summary>The recovery in progress, or null when Normal.</summary>
    [Id(2)] public RecoveryInfo? Recovery { get; init; }

    /// <summary>Normal messages admitted but not yet applied.</summary>
    [Id(3)] public required long PendingCount { get; init; }

    /// <summary>When the oldest pending message was admitted, or null when none is pending.</summary>
    [Id(4)] public DateTimeOffset? OldestPendingSince { get; init; }

    /// <summary>Age of the oldest pending message at the time of the call, or null when none is pending.</summary>
    [Id(5)] public TimeSpan? OldestPendingAge { get; init; }

    /// <summary>Counts of answers by outcome.</summary>
    [Id(6)] public required MessageCounters Counters { get; init; }

    /// <summary>The most recent rejected messages (bounded), oldest first.</summary>
    [Id(7)] public IReadOnlyList<RejectedMessage> RecentRejections { get; init; } = [];

    /// <summary>True while parked messages are being applied after recovery.</summary>
    [Id(8)] public bool Replaying { get; init; }

    /// <summary>Consecutive failed replay steps (storage errors); 0 when replay is healthy. Retries back off exponentially.</summary>
    [Id(9)] public int ReplayFailures { get; init; }

    /// <summary>The last replay step's error, while <see cref="ReplayFailures"/> is above 0.</summary>
    [Id(10)] public string? LastReplayError { get; init; }

    /// <summary>The held poison message while <see cref="Mode"/> is <see cref="TransactionMode.Faulted"/>; otherwise null.</summary>
    [Id(11)] public FaultInfo? Fault { get; init; }

    /// <summary>True when the current recovery has not completed within the configured time (<c>StuckAfter</c>).</summary>
    [Id(12)] public bool Stuck { get; init; }

    /// <summary>The transaction's timeline, oldest first (bounded: <c>TimelineCapacity</c> entries; empty when switched off).</summary>
    [Id(13)] public IReadOnlyList<TimelineEvent> Timeline { get; init; } = [];
}
