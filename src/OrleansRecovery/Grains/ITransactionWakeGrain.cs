namespace OrleansRecovery.Grains;

/// <summary>
/// How the recovery registry's reconciliation pass brings back a listed transaction that has work of its own to do while no
/// message reaches it: a replay cut off by a crash, an automatic retry of a held message, a stuck recovery to announce again.
/// It replaces a reminder per unhealthy transaction (see docs/design.md, "Waking listed transactions"). Implemented by
/// <see cref="TransactionGrain"/>; internal machinery.
/// </summary>
[Alias("OrleansRecovery.Grains.ITransactionWakeGrain")]
internal interface ITransactionWakeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Loads the transaction if needed, resumes a due replay, schedules a due automatic fault retry, announces a stuck recovery
    /// again, and reports its state to the registry.
    /// </summary>
    [Alias("WakeAsync")]
    Task WakeAsync();
}
