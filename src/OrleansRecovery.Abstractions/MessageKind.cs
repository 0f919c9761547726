namespace OrleansRecovery;

/// <summary>How a message relates to recovery.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.MessageKind")]
public enum MessageKind
{
    /// <summary>An ordinary business message. Parked in the pending log while the transaction recovers.</summary>
    Normal = 0,

    /// <summary>A recovery message (reconciliation with the system of record). Only accepted while the transaction recovers.</summary>
    Recovery = 1,
}
