using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using OrleansRecovery.Cli;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// recoveryctl's commands, run in-process (<see cref="RecoveryCtl.RunAsync(string[], IClusterClient?, TextWriter?, TextWriter?, CancellationToken)"/>)
/// against the shared ledger cluster, asserting on what an operator reads and on the exit codes scripts rely on.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class CliTests(LedgerClusterFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Send_ThenShow_PrintsEachOutcomeAndTheLedgerStatement()
    {
        var tx = Ids.Transaction();

        var credit = await RunAsync("send", tx, "--type", "credit", "--payload", """{"amount":10000}""", "--id", "m1");
        var debit = await RunAsync("send", tx, "--type", "debit", "--payload", """{"amount":2550}""", "--id", "m2");
        var again = await RunAsync("send", tx, "--type", "credit", "--payload", """{"amount":10000}""", "--id", "m1");
        var show = await RunAsync("show", tx);

        Assert.Equal((0, $"{tx} m1 (Normal credit) → Processed"), (credit.Code, credit.Output.Trim()));
        Assert.Equal((0, $"{tx} m2 (Normal debit) → Processed"), (debit.Code, debit.Output.Trim()));
        Assert.Equal((0, $"{tx} m1 (Normal credit) → Duplicate"), (again.Code, again.Output.Trim()));
        Assert.Equal(0, show.Code);
        Assert.Matches(@"Mode\s+Normal", show.Output);
        Assert.Contains("processed 2, queued 0, replayed 0, duplicate 1, rejected 0", show.Output, StringComparison.Ordinal);
        Assert.Contains($"Statement of {tx}: 2 lines, balance +74.50", show.Output, StringComparison.Ordinal);
        Assert.Matches(@"│\s*1\s*│\s*m1\s*│\s*credit\s*│\s*\+100\.00\s*│\s*\+100\.00\s*│", show.Output);
        Assert.Matches(@"│\s*2\s*│\s*m2\s*│\s*debit\s*│\s*-25\.50\s*│\s*\+74\.50\s*│", show.Output);
    }

    [Fact]
    public async Task SendFile_SendsEveryLineInOrder_AndCountsOutcomes_ARecoveryMessageWhileNormalIsRejected()
    {
        var tx = Ids.Transaction();
        var file = Path.Combine(Path.GetTempPath(), $"{tx}.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            "# a comment, then three credits (one without an id), a duplicate and a recovery message while Normal",
            """{"messageId":"f1","type":"credit","payload":{"amount":100}}""",
            """{"messageId":"f2","kind":"Normal","type":"credit","payload":"{\"amount\":200}"}""",
            """{"type":"credit","payload":{"amount":300}}""",
            """{"messageId":"f1","type":"credit","payload":{"amount":100}}""",
            """{"messageId":"r1","kind":"Recovery","type":"adjustment","payload":{"amount":1}}""",
        ]);
        try
        {
            var sent = await RunAsync("send", tx, "--file", file, "--batch-size", "2");

            Assert.Equal(1, sent.Code); // a rejection makes the exit code 1, for scripts
            Assert.Contains($"Sent 5 messages to {tx}", sent.Output, StringComparison.Ordinal);
            Assert.Matches(@"Processed\s*│\s*3\s*│", sent.Output);
            Assert.Matches(@"Duplicate\s*│\s*1\s*│", sent.Output);
            Assert.Matches(@"Rejected\s*│\s*1\s*│", sent.Output);
            Assert.Contains("r1: NotRecovering:", sent.Output, StringComparison.Ordinal);
            var data = await _client.DataAsync(tx);
            Assert.Equal(["f1", "f2", $"{tx}.jsonl:4"], data.StatementIds());
            Assert.Equal(600, data.Balance);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BeginRecovery_ThenList_ShowsTheTransactionRecovering_AndShowParksLaterMessages()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 500));

        var begin = await RunAsync("begin-recovery", tx, "--reason", "cli test: provider outage");
        var parked = await RunAsync("send", tx, "--type", "credit", "--payload", """{"amount":70}""", "--id", "c2");

        Assert.Equal(0, begin.Code);
        Assert.Contains($"{tx}: recovering (recovery ", begin.Output, StringComparison.Ordinal);
        Assert.Contains("reason: cli test: provider outage", begin.Output, StringComparison.Ordinal);
        Assert.Equal((0, $"{tx} c2 (Normal credit) → Queued"), (parked.Code, parked.Output.Trim()));

        // The registry hears from the transaction when it changes mode; wait for the listing rather than assume its timing.
        // (Its pending count is the one reported at that change; `show` reads the live one.)
        var list = await Eventually.WaitForAsync(() => RunAsync("list", "--recovering"),
            r => Row(r.Output, tx) is { } row && row.Contains("Recovering", StringComparison.Ordinal),
            LedgerReads.Timeout, $"list --recovering shows {tx}");
        Assert.Equal(0, list.Code);
        Assert.Contains("cli test: provider outage", Row(list.Output, tx)!, StringComparison.Ordinal);
        Assert.DoesNotContain(tx, (await RunAsync("list", "--faulted")).Output, StringComparison.Ordinal);

        var show = await RunAsync("show", tx);
        Assert.Matches(@"Mode\s+Recovering", show.Output);
        Assert.Matches(@"reason\s+cli test: provider outage", show.Output);
        Assert.Matches(@"Pending\s+1, oldest admitted", show.Output);
        Assert.Contains($"Statement of {tx}: 1 lines, balance +5.00", show.Output, StringComparison.Ordinal);

        // Completing recovery from the CLI replays the parked credit; the transaction leaves the registry.
        var done = await RunAsync("send", tx, "--type", "reconciled", "--recovery", "--id", "r1");
        Assert.Equal((0, $"{tx} r1 (Recovery reconciled) → Processed: Recovery completed."), (done.Code, done.Output.Trim()));
        await fixture.Cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        await Eventually.WaitUntilAsync(async () => Row((await RunAsync("list")).Output, tx) is null, LedgerReads.Timeout,
            $"{tx} leaves the registry");
        Assert.Contains($"Statement of {tx}: 2 lines, balance +5.70", (await RunAsync("show", tx)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAndSkip_OnATransactionThatIsNotFaulted_FailWithOneClearLine()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 1));

        var retry = await RunAsync("retry", tx);
        var skip = await RunAsync("skip", tx, "--reason", "nothing to skip");

        Assert.Equal((1, $"recoveryctl: cannot retry '{tx}': The transaction is not faulted (mode is Normal)."), (retry.Code, retry.Output.Trim()));
        Assert.Equal((1, $"recoveryctl: cannot skip '{tx}': The transaction is not faulted (mode is Normal)."), (skip.Code, skip.Output.Trim()));
    }

    [Fact]
    public async Task FaultedTransaction_IsListed_RetryReportsItStillFails_SkipReleasesIt()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 100));
        await _client.SubmitAsync(tx, TestLedgerLogic.Poison("overflow"));
        await _client.SubmitAsync(tx, LedgerMessages.Debit("d1", 5));
        await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Fault?.Attempts == 3, LedgerReads.Timeout,
            "three attempts at the poison message");

        var list = await Eventually.WaitForAsync(() => RunAsync("list", "--faulted"), r => Row(r.Output, tx) is not null,
            LedgerReads.Timeout, $"list --faulted shows {tx}");
        var show = await RunAsync("show", tx);
        var retry = await RunAsync("retry", tx, "--reason", "limit raised");
        var retried = await _client.GetStatusAsync(tx);
        var skip = await RunAsync("skip", tx, "--reason", "balance would overflow");

        Assert.Contains("Faulted", Row(list.Output, tx)!, StringComparison.Ordinal);
        Assert.Contains("overflow", Row(list.Output, tx)!, StringComparison.Ordinal);
        Assert.Matches(@"Held message\s+overflow explode \{\}", show.Output);
        Assert.Matches(@"attempts\s+3, faulted since", show.Output);
        Assert.Equal(1, retry.Code);
        Assert.StartsWith($"{tx}: still faulted after attempt 4: InvalidOperationException", retry.Output.Trim(), StringComparison.Ordinal);
        Assert.Contains(retried.Timeline, e => e.Text.Contains("limit raised [by ", StringComparison.Ordinal)
            && e.Text.Contains("via recoveryctl]", StringComparison.Ordinal));
        Assert.Equal((0, $"{tx}: the held message was skipped; mode Normal, 1 pending"), (skip.Code, skip.Output.Trim()));
        await fixture.Cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var after = await RunAsync("show", tx);
        Assert.Matches(@"overflow\s*│\s*explode\s*│\s*ApplicationError\s*│\s*Skipped by operator: balance would overflow", after.Output);
        Assert.Contains($"Statement of {tx}: 2 lines", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WithIterations_PrintsEachRefreshAndEnds()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "cli watch test");
        await Eventually.WaitUntilAsync(async () => Row((await RunAsync("list")).Output, tx) is not null, LedgerReads.Timeout,
            $"{tx} is in the registry");

        var watch = await RunAsync("watch", "--recovering", "--iterations", "2", "--interval", "100ms");

        Assert.Equal(0, watch.Code);
        Assert.Contains("refresh 1/2, every 100 ms;", watch.Output, StringComparison.Ordinal);
        Assert.Contains("refresh 2/2, every 100 ms;", watch.Output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(watch.Output, Regex.Escape(tx)));
    }

    [Fact]
    public async Task Load_SendsEveryMessage_AndPrintsTheRate()
    {
        var prefix = Ids.Transaction();

        var load = await RunAsync("load", "--transactions", "3", "--messages", "40", "--concurrency", "4", "--batch-size", "7",
            "--prefix", prefix);

        Assert.Equal(0, load.Code);
        Assert.Matches(@"Sent 120 messages in \d+\.\d\d s: [\d,]+ msg/s; 18 calls, latency p50", load.Output);
        Assert.Matches(@"Processed\s*│\s*120\s*│", load.Output);
        for (var i = 1; i <= 3; i++)
        {
            var data = await _client.DataAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}"));
            Assert.Equal(40, data.Balance);
        }
    }

    [Fact]
    public async Task Status_ListsTheActiveSilos_AndTheRegistryCounts()
    {
        var status = await RunAsync("status");

        Assert.Equal(0, status.Code);
        Assert.Contains("Cluster  2 active silo(s) of 2 in the membership table", status.Output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(status.Output, @"│\s*Active\s*│"));
        Assert.Matches(@"Transactions\s+\d+ recovering \(\d+ stuck\), \d+ faulted, \d+ replaying; [\d,]+ pending messages", status.Output);
    }

    [Fact]
    public async Task BadCommandLines_ExitWith2_AndSayWhatIsWrong()
    {
        var neither = await RunAsync("send", "tx-1");
        var both = await RunAsync("send", "tx-1", "--type", "credit", "--file", "x.jsonl");
        var reasonless = await RunAsync("skip", "tx-1");
        var badInterval = await RunAsync("watch", "--interval", "soon");

        Assert.Equal(2, neither.Code);
        Assert.Contains("send needs either --type (one message) or --file (a JSON-lines file), not both.", neither.Output, StringComparison.Ordinal);
        Assert.Equal(2, both.Code);
        Assert.Equal(2, reasonless.Code);
        Assert.Contains("--reason", reasonless.Output, StringComparison.Ordinal);
        Assert.Equal(2, badInterval.Code);
        Assert.Contains("'soon' is not a duration", badInterval.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableCluster_ExitsWith3_WithOneLineAndNoStackTrace()
    {
        var port = UnusedPort();
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var started = DateTime.UtcNow;

        var code = await RecoveryCtl.RunAsync(["status", "--gateway", $"127.0.0.1:{port}", "--connect-timeout", "2s"], client: null, output);

        Assert.Equal(3, code);
        var text = output.ToString().Trim();
        Assert.StartsWith($"recoveryctl: cannot reach the cluster at gateway 127.0.0.1:{port} (environment Production, cluster id local) within 2 s: ",
            text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Types_SaysWhichLogicRunsAndWhetherItDeclaresItsTypes()
    {
        // The suite's logic (the ledger plus a type that throws) declares none; the reference ledger's list is a unit test.
        var types = await RunAsync("types");

        Assert.Equal(0, types.Code);
        Assert.Contains("TestLedgerLogic does not declare its message types", types.Output, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var code = await RecoveryCtl.RunAsync(args, _client, output);
        return (code, output.ToString());
    }

    /// <summary>The table row (one line) naming <paramref name="transactionId"/>, or null.</summary>
    private static string? Row(string output, string transactionId) =>
        output.Split('\n').FirstOrDefault(line => line.Contains($"│ {transactionId} ", StringComparison.Ordinal));

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
