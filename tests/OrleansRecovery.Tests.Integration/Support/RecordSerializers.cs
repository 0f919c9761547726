using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>The record serializer both layouts use, over an Orleans serializer that knows the engine's and the ledger's types.</summary>
internal static class RecordSerializers
{
    public static ExactSizeGrainStorageSerializer Create() =>
        new(new ServiceCollection()
            .AddSerializer(b => b
                .AddAssembly(typeof(TransactionMessage).Assembly)
                .AddAssembly(typeof(TransactionHeaderRecord).Assembly)
                .AddAssembly(typeof(LedgerData).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>());
}
