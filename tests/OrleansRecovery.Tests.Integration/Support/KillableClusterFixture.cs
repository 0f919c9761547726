namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// The default ledger cluster, for tests that kill a silo to show what survives it (the pending page at depth, the timeline):
/// apart from the shared one, whose tests count the silos in the membership table.
/// </summary>
public sealed class KillableClusterFixture : LedgerClusterFixture
{
}

[CollectionDefinition(Name)]
public sealed class KillableClusterDefinition : ICollectionFixture<KillableClusterFixture>
{
    public const string Name = "Killable ledger cluster";
}
