using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// A 2-silo cluster for recovery scopes and campaigns: scopes are re-read every 200 ms under a 1 s lease, campaigns work in steps
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
            o.ScopeRefreshInterval = TimeSpan.FromMilliseconds(200);
            o.ScopeLease = TimeSpan.FromSeconds(1);
            o.CampaignConcurrency = 50;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class OutageClusterDefinition : ICollectionFixture<OutageClusterFixture>
{
    public const string Name = "Outage cluster";
}
