using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// Two silos whose transaction storage takes every kind of fault of <see cref="Faults"/> (before or after the write, held
/// writes, reads), with quick stream polling and a short stream inactivity period, for the fault scenarios of issue 3.
/// </summary>
public sealed class FaultScenarioFixture : LedgerClusterFixture
{
    /// <summary>How long a stream may stay idle before its pulling agent drops it (Orleans' default is 30 minutes).</summary>
    public static readonly TimeSpan StreamInactivityPeriod = TimeSpan.FromSeconds(3);

    public StorageFaults Faults { get; } = new();

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 2;
        options.WrapStorage = (_, inner) => Faults.Wrap(inner);
        options.ConfigureAzureStorage = azure => azure.QueuePollPeriod = TimeSpan.FromMilliseconds(50);
        options.ConfigureSilo = silo => silo.Services.Configure<StreamPullingAgentOptions>(
            TransactionStreams.ProviderName, o => o.StreamInactivityPeriod = StreamInactivityPeriod);
    }
}

[CollectionDefinition(Name)]
public sealed class FaultScenarioDefinition : ICollectionFixture<FaultScenarioFixture>
{
    public const string Name = "Fault scenarios";
}
