namespace OrleansRecovery;

/// <summary>A normal message whose application logic threw, held (durably) until it is applied, retried or skipped.</summary>
/// <param name="Message">The held message, as admitted.</param>
/// <param name="Error">The last error (exception type and message).</param>
/// <param name="Attempts">How many times the logic was tried with it.</param>
/// <param name="Since">When the transaction became faulted.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.FaultInfo")]
public sealed record FaultInfo(
    [property: Id(0)] TransactionMessage Message,
    [property: Id(1)] string Error,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset Since);
