namespace OrleansRecovery.StateMachine;

/// <summary>The limits the state machine enforces; taken from <c>TransactionRecoveryOptions</c>.</summary>
internal sealed record RecoveryLimits
{
    /// <summary>How many admitted message ids are remembered per transaction for duplicate detection, besides every pending one.</summary>
    public int DedupWindow { get; init; } = 1_000;

    /// <summary>Longest accepted message id, in characters.</summary>
    public int MaxMessageIdLength { get; init; } = 128;

    /// <summary>Longest accepted type name, in characters.</summary>
    public int MaxTypeLength { get; init; } = 128;

    /// <summary>Largest accepted payload, in UTF-8 bytes.</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Most messages in one batch.</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>Most entries in the pending log; more are rejected (backpressure).</summary>
    public long MaxPendingEntries { get; init; } = 100_000;

    /// <summary>Most bytes (estimated) in the pending log; more are rejected (backpressure).</summary>
    public long MaxPendingBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most entries per pending-log segment record.</summary>
    public int SegmentMaxEntries { get; init; } = 128;

    /// <summary>Most bytes (estimated) per pending-log segment record.</summary>
    public int SegmentMaxBytes { get; init; } = 256 * 1024;

    /// <summary>Most parked entries applied per replay step (one header write per step).</summary>
    public int ReplayBatchSize { get; init; } = 256;

    /// <summary>How many rejected messages are kept for operators to see.</summary>
    public int RejectionHistory { get; init; } = 50;

    /// <summary>Entries a transaction's timeline keeps (the oldest drop out); 0 switches it off.</summary>
    public int TimelineCapacity { get; init; } = 32;

    /// <summary>Longest accepted reason for beginning a recovery, in characters.</summary>
    public int MaxReasonLength { get; init; } = 1_024;
}
