namespace OrleansRecovery;

/// <summary>A message the transaction refused, kept (bounded, newest last) so an operator can see it.</summary>
/// <param name="MessageId">The id as received.</param>
/// <param name="Type">The type as received (truncated when over the limit).</param>
/// <param name="Code">Why, as a code.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="At">When it was refused.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RejectedMessage")]
public sealed record RejectedMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string Type,
    [property: Id(2)] RejectionCode Code,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset At);
