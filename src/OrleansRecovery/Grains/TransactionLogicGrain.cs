using Orleans.Concurrency;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Grains;

/// <summary>Answers what the silo's transaction logic declares; stateless, local to whichever silo takes the call.</summary>
[StatelessWorker]
internal sealed class TransactionLogicGrain(ITransactionLogic logic) : Grain, ITransactionLogicGrain
{
    public Task<IReadOnlyList<MessageTypeInfo>> GetMessageTypesAsync() => Task.FromResult(logic.MessageTypes);

    public Task<string> GetLogicNameAsync() => Task.FromResult(logic.GetType().Name);
}
