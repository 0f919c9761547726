using System.Diagnostics;
using System.Globalization;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The pending page at depth: 50,000 parked messages on Azure Table storage (Azurite), paged from the front, the middle and the
/// end, warm and after the hosting silo was killed. It checks every page's contents and prints the latencies (the figure in the
/// README); it does not assert a time, which would only measure this machine's load.
/// </summary>
[Collection(KillableClusterDefinition.Name)]
public sealed class PendingPageLatencyTests(KillableClusterFixture fixture, ITestOutputHelper output)
{
    private const int Count = 50_000;
    private const int Take = 50;
    private const int Repeats = 20;
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task PagesOfFiftyThousandParkedMessages_AreRightAtEveryDepth()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "pending page latency");
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < Count; start += 500)
        {
            var batch = Enumerable.Range(start, 500).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
            Assert.All(await _client.SubmitBatchAsync(tx, batch), r => Assert.Equal(SubmitOutcome.Queued, r.Outcome));
        }

        output.WriteLine(Line($"parked {Count:N0} in {clock.Elapsed.TotalSeconds:F1} s; {await _cluster.CountSegmentRowsAsync(tx):N0} segment rows"));
        var grain = _client.GetTransaction(tx);

        foreach (var from in new long[] { 0, 25_000, Count - Take })
        {
            var times = new List<double>();
            for (var i = 0; i < Repeats; i++)
            {
                clock.Restart();
                var page = await grain.GetPendingAsync(from, Take);
                times.Add(clock.Elapsed.TotalMilliseconds);
                AssertPage(page, from, Take);
            }

            times.Sort();
            output.WriteLine(Line($"page of {Take} from {from,6:N0}: median {times[Repeats / 2]:F2} ms, max {times[^1]:F2} ms ({Repeats} calls)"));
        }

        clock.Restart();
        AssertPage(await grain.GetPendingAsync(25_000, PendingPage.MaxTake), 25_000, PendingPage.MaxTake);
        output.WriteLine(Line($"page of {PendingPage.MaxTake:N0} from 25,000: {clock.Elapsed.TotalMilliseconds:F2} ms"));

        // Cold: the silo holding it dies; the first page on the other silo pays the activation, which reads every segment (P1).
        await _cluster.KillHostAsync(tx);
        try
        {
            // First let the client find the surviving gateway (a call to another transaction), so the figure is the activation's.
            await Eventually.WaitForAsync(() => _client.GetStatusAsync(Ids.Transaction()), _ => true, TimeSpan.FromSeconds(30),
                "the client reaches the surviving silo");
            clock.Restart();
            AssertPage(await grain.GetPendingAsync(25_000, Take), 25_000, Take);
            output.WriteLine(Line($"first page after the hosting silo was killed (activation loads {Count:N0} entries): {clock.Elapsed.TotalMilliseconds:F0} ms"));
        }
        finally
        {
            await _cluster.EnsureSiloCountAsync(2);
        }
    }

    private static void AssertPage(PendingPage page, long from, int take)
    {
        Assert.Equal(Count, page.PendingCount);
        Assert.Equal(take, page.Entries.Count);
        Assert.Equal(Enumerable.Range((int)from, take).Select(Ids.Message), page.Entries.Select(e => e.MessageId));
        Assert.Equal(from + take < Count ? from + take : null, page.NextFrom);
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
