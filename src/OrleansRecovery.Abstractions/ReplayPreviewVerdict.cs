namespace OrleansRecovery;

/// <summary>What replay would do with one parked entry (<see cref="ReplayPreviewEntry"/>).</summary>
public enum ReplayPreviewVerdict
{
    /// <summary>The logic would apply it.</summary>
    Applied,

    /// <summary>The logic would refuse it (kept in the rejection history); replay goes on.</summary>
    Rejected,

    /// <summary>It would leave the transaction in doubt: a new recovery starts with it as the subject; the entries behind it wait.</summary>
    InDoubt,

    /// <summary>The logic would throw: the transaction would be faulted with it held; the entries behind it wait.</summary>
    WouldThrow,

    /// <summary>Replay would not reach it: an entry before it is in doubt or would throw.</summary>
    NotReached,
}
