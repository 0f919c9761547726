namespace OrleansRecovery;

/// <summary>The persisted mode of a transaction.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.TransactionMode")]
public enum TransactionMode
{
    /// <summary>Normal messages are applied (behind any still-pending ones).</summary>
    Normal = 0,

    /// <summary>Recovery messages are applied; normal messages are parked in the pending log.</summary>
    Recovering = 1,
}
