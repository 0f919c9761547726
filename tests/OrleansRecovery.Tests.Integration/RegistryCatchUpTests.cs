using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// With a real rate limit on registry reports (<c>RegistryReportInterval</c> 1 s), parked messages that arrive faster than that
/// still reach the registry: the skipped report is caught up within one interval, without any further message, long before the
/// watchdog (1 minute here) would refresh it.
/// </summary>
public sealed class RegistryCatchUpTests(RegistryCatchUpTests.RateLimitedRegistryFixture fixture)
    : IClassFixture<RegistryCatchUpTests.RateLimitedRegistryFixture>
{
    [Fact]
    public async Task PendingDepth_ReachesTheRegistry_WithinOneInterval_WithoutFurtherMessages()
    {
        var client = fixture.Client;
        var tx = Ids.Transaction();
        await client.BeginRecoveryAsync(tx, "catch-up");
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, (await client.SubmitAsync(tx, LedgerMessages.Credit($"p{i}", 1))).Outcome);
        }

        // The first report (entering recovery) went out at once; the five parked messages came within the interval.
        var entry = await Eventually.WaitForAsync(
            async () => (await client.ListTransactionsAsync()).SingleOrDefault(e => e.TransactionId == tx),
            e => e is { PendingCount: 5 }, TimeSpan.FromSeconds(10), "the registry shows all 5 parked messages");
        Assert.NotNull(entry!.OldestPendingSince);
    }

    /// <summary>A ledger cluster whose registry reports are rate-limited to one a second.</summary>
    public sealed class RateLimitedRegistryFixture : LedgerClusterFixture
    {
        protected override void Configure(TransactionTestClusterOptions options) =>
            options.ConfigureRecovery = o =>
            {
                o.RegistryReportInterval = TimeSpan.FromSeconds(1);
            };
    }
}
