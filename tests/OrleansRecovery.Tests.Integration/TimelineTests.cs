using System.Globalization;
using OrleansRecovery.Cli;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>A transaction's timeline on Azurite and a 2-silo TestCluster: recorded, durable across a dead silo, shown by <c>recoveryctl show</c>.</summary>
[Collection(KillableClusterDefinition.Name)]
public sealed class TimelineTests(KillableClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task ARecoveryStory_IsKeptInTheHeader_SurvivesItsSilo_AndIsShown()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c0", 100));
        var recovery = await _client.BeginRecoveryAsync(tx, "PSP timeout [by alice via admin page]");
        await _client.SubmitBatchAsync(tx, [LedgerMessages.Credit("p1", 1), LedgerMessages.Credit("p2", 2), LedgerMessages.Credit("p3", 3)]);
        await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj", -5, recovery.RecoveryId));
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId));
        var replayed = await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);

        Assert.Equal(
            [
                TimelineEventKind.RecoveryBegun, TimelineEventKind.Parked, TimelineEventKind.RecoveryMessages,
                TimelineEventKind.RecoveryCompleted, TimelineEventKind.Replayed,
            ],
            replayed.Timeline.Select(e => e.Kind));
        Assert.Equal($"recovery {recovery.RecoveryId}: PSP timeout [by alice via admin page]", replayed.Timeline[0].Text);
        Assert.Equal([0L, 3L, 2L, 3L, 3L], replayed.Timeline.Select(e => e.Count));
        Assert.Equal(replayed.Timeline, (await _cluster.ReadHeaderAsync(tx))!.Timeline);

        // Durable: the silo holding it dies; the other silo loads the same timeline from storage.
        await _cluster.KillHostAsync(tx);
        try
        {
            var reloaded = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), _ => true, LedgerReads.Timeout,
                "the transaction answers from the surviving silo");
            Assert.Equal(replayed.Timeline, reloaded.Timeline);

            using var output = new StringWriter(CultureInfo.InvariantCulture);
            Assert.Equal(0, await RecoveryCtl.RunAsync(["show", tx], _client, output));
            var shown = output.ToString();
            Assert.Contains("Timeline (5, oldest first)", shown, StringComparison.Ordinal);
            Assert.Matches(@"│[^│]*│\s*recovery begun\s*│\s*│\s*recovery \w+: PSP timeout \[by alice via admin page\]", shown);
            Assert.Matches(@"│[^│]*│\s*parked\s*│\s*3\s*│", shown);
            Assert.Matches(@"│[^│]*│\s*replayed\s*│\s*3\s*│", shown);
        }
        finally
        {
            await _cluster.EnsureSiloCountAsync(2);
        }
    }
}
