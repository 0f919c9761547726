using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// A 2-silo cluster for the recovery registry and stuck detection: recoveries are stuck after 3 s, the watchdog ticks every
/// second, and every change is reported to the registry at once.
/// </summary>
public sealed class RegistryClusterFixture : LedgerClusterFixture
{
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(3);

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ConfigureRecovery = o =>
        {
            o.StuckAfter = StuckAfter;
            o.RegistryReconcileInterval = TimeSpan.FromSeconds(1);
            o.RegistryReportInterval = TimeSpan.Zero;
            o.RegistryShards = 4;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryClusterDefinition : ICollectionFixture<RegistryClusterFixture>
{
    public const string Name = "Registry cluster";
}
