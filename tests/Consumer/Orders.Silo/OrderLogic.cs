using System.Collections.Immutable;
using OrleansRecovery;
using OrleansRecovery.Logic;

namespace Orders;

/// <summary>An order's lines.</summary>
[GenerateSerializer, Alias("Orders.OrderData")]
public sealed record OrderData([property: Id(0)] ImmutableList<string> Lines);

/// <summary>
/// The order's logic: normal <c>add-line</c> messages add a line; while the order is recovering (the warehouse was down) they
/// are parked, and the recovery message <c>reconciled</c> completes the recovery, after which they are applied in order.
/// </summary>
public sealed class OrderLogic : TransactionLogic<OrderData>
{
    /// <inheritdoc />
    protected override OrderData CreateInitialData(string transactionId) => new([]);

    /// <inheritdoc />
    protected override NormalDecision ApplyNormal(OrderData data, TransactionMessage message) => message.Type == "add-line"
        ? NormalDecision.Applied(data with { Lines = data.Lines.Add(message.Payload) })
        : NormalDecision.Rejected($"unknown type '{message.Type}'; expected add-line");

    /// <inheritdoc />
    protected override RecoveryDecision ApplyRecovery(OrderData data, TransactionMessage message, RecoveryInfo recovery) =>
        message.Type == "reconciled"
            ? RecoveryDecision.Complete(data)
            : RecoveryDecision.Rejected($"unknown recovery type '{message.Type}'; expected reconciled");
}
