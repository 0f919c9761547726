using OrleansRecovery.Logic;

namespace OrleansRecovery;

/// <summary>
/// What the cluster's transaction logic declares, for tools that write messages by hand (<c>recoveryctl types</c>). Any key
/// (use 0): the answer is the logic's, the same on every silo.
/// </summary>
[Alias("OrleansRecovery.ITransactionLogicGrain")]
public interface ITransactionLogicGrain : IGrainWithIntegerKey
{
    /// <summary>The logic's message types (<see cref="ITransactionLogic.MessageTypes"/>); empty when it declares none.</summary>
    [Alias("GetMessageTypesAsync")]
    Task<IReadOnlyList<MessageTypeInfo>> GetMessageTypesAsync();

    /// <summary>The logic's class name (e.g. <c>LedgerLogic</c>), so a tool can say whose types it shows.</summary>
    [Alias("GetLogicNameAsync")]
    Task<string> GetLogicNameAsync();
}
