namespace OrleansRecovery.Logic;

/// <summary>
/// One message type an application's logic accepts, as the logic declares it in <see cref="ITransactionLogic.MessageTypes"/>:
/// the engine rejects a message of an undeclared type with a reason that lists the declared ones, and <c>recoveryctl types</c>
/// prints them for whoever writes messages by hand.
/// </summary>
/// <param name="Type">The <see cref="TransactionMessage.Type"/> value (compared ordinally, case-sensitive).</param>
/// <param name="Kind">Whether it is a normal or a recovery message.</param>
/// <param name="Description">What it does and the payload it expects, in one line (e.g. <c>{"amount": 10}</c>).</param>
[GenerateSerializer]
[Alias("OrleansRecovery.Logic.MessageTypeInfo")]
public sealed record MessageTypeInfo(
    [property: Id(0)] string Type,
    [property: Id(1)] MessageKind Kind,
    [property: Id(2)] string Description);
