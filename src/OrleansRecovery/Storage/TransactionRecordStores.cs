using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansRecovery.Storage;

/// <summary>Finds the record store a silo is configured with for a transaction.</summary>
internal static class TransactionRecordStores
{
    /// <summary>
    /// The store of <paramref name="transactionId"/>: the <see cref="ITransactionRecordStoreFactory"/> keyed by
    /// <paramref name="storageName"/> if a package registered one, otherwise the records through that name's grain storage (the
    /// default layout, which every earlier version wrote).
    /// </summary>
    public static ITransactionRecordStore For(IServiceProvider services, string storageName, GrainId grainId, string transactionId)
    {
        var factory = services.GetKeyedService<ITransactionRecordStoreFactory>(storageName);
        return factory is not null
            ? factory.Create(grainId, transactionId)
            : new TransactionStore(services.GetRequiredKeyedService<IGrainStorage>(storageName), grainId);
    }
}
