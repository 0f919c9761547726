using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// A 2-silo cluster for recovery scopes and campaigns: scopes are re-read every 500 ms under a 5 s lease (a
/// shorter lease leaves a scope unconfirmed, and its messages held, whenever a busy machine slows one read past it), campaigns work in steps
/// of 50 members, and reminders (the campaign's and the watchdog's) tick every second.
/// </summary>
public sealed class OutageClusterFixture : LedgerClusterFixture
{
    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ConfigureRecovery = o =>
        {
            o.RegistryReconcileInterval = TimeSpan.FromSeconds(1);
            o.RegistryReportInterval = TimeSpan.Zero;
            o.ScopeRefreshInterval = TimeSpan.FromMilliseconds(500);
            o.ScopeLease = TimeSpan.FromSeconds(5);
            o.CampaignConcurrency = 50;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class OutageClusterDefinition : ICollectionFixture<OutageClusterFixture>
{
    public const string Name = "Outage cluster";
}
