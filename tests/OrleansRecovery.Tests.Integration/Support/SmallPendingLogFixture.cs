using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>One silo whose pending log holds at most <see cref="MaxPendingEntries"/> entries and which remembers <see cref="DedupWindow"/> applied ids, for limit tests.</summary>
public sealed class SmallPendingLogFixture : LedgerClusterFixture
{
    public const int MaxPendingEntries = 5;

    public const int DedupWindow = 3;

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.ConfigureRecovery = o =>
        {
            o.MaxPendingEntries = MaxPendingEntries;
            o.DedupWindow = DedupWindow;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class SmallPendingLogDefinition : ICollectionFixture<SmallPendingLogFixture>
{
    public const string Name = "Small pending log";
}
