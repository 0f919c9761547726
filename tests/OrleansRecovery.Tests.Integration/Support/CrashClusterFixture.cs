using OrleansRecovery.Storage;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// A 2-silo cluster tuned for killing silos mid-work: replay in small batches, header writes slowed down (so a replay takes
/// seconds, leaving time to kill its silo), and a 5 s replay watchdog reminder (so an interrupted replay resumes with no new
/// input).
/// </summary>
public sealed class CrashClusterFixture : LedgerClusterFixture
{
    public const int ReplayBatchSize = 5;

    public static readonly TimeSpan HeaderWriteDelay = TimeSpan.FromMilliseconds(25);

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ConfigureRecovery = o =>
        {
            o.ReplayBatchSize = ReplayBatchSize;
            o.RegistryReconcileInterval = TimeSpan.FromSeconds(5);
        };
        options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner,
            InterceptingGrainStorage.Delay(name => name == StateNames.Header ? HeaderWriteDelay : TimeSpan.Zero));
    }
}

[CollectionDefinition(Name)]
public sealed class CrashClusterDefinition : ICollectionFixture<CrashClusterFixture>
{
    public const string Name = "Crash cluster";
}
