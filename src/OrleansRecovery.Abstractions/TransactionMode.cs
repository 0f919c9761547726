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

    /// <summary>
    /// The application's logic threw for a normal message (a poison message): it is held with its error (see
    /// <see cref="TransactionStatus.Fault"/>) and retried a configured number of times; normal messages are parked behind it until it
    /// is applied, or an operator retries or skips it.
    /// </summary>
    Faulted = 2,
}
