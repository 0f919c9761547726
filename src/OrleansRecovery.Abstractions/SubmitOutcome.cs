namespace OrleansRecovery;

/// <summary>What the transaction did with a message. Every outcome is returned only after the storage write that covers it.</summary>
[GenerateSerializer]
[Alias("OrleansRecovery.SubmitOutcome")]
public enum SubmitOutcome
{
    /// <summary>The message's effect was applied and saved.</summary>
    Processed = 0,

    /// <summary>The message was saved in the pending log (or, when it left the transaction in doubt, as the recovery's subject); its effect comes later.</summary>
    Queued = 1,

    /// <summary>A message with this id was already admitted; nothing changed.</summary>
    Duplicate = 2,

    /// <summary>The message was refused; <see cref="SubmitResult.Reason"/> says why. Nothing changed.</summary>
    Rejected = 3,
}
