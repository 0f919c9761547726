using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Admin;
using OrleansRecovery.Cli;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// recoveryctl's <c>scope</c> and <c>campaign</c> commands, <c>list --campaign</c>, the client's campaign conveniences and the admin
/// page's scope and campaign endpoints, against the shared ledger cluster. Waits are for conditions, with deadlines generous
/// enough for a busy 2-core machine.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class CampaignCliTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Scope_OpenShowClose_PrintsTheStateTheCampaignAndTheProgressOfItsTransactions()
    {
        var scope = Ids.Transaction();
        var accounts = Enumerable.Range(1, 3).Select(i => string.Create(CultureInfo.InvariantCulture, $"{scope}{LedgerLogic.ScopeSeparator}acct-{i}")).ToList();
        await Task.WhenAll(accounts.Select(a => _client.SubmitAsync(a, LedgerMessages.Credit("c1", 100))));

        var never = await RunAsync("scope", "show", scope);
        var open = await RunAsync("scope", "open", scope, "--reason", "bank-a is down");
        var again = await RunAsync("scope", "open", scope, "--reason", "bank-a is down");

        Assert.Equal((0, $"{scope}: never opened."), (never.Code, never.Output.Trim()));
        Assert.Equal(0, open.Code);
        Assert.Contains("waits the scope lease, about 2 s", open.Output, StringComparison.Ordinal);
        Assert.Matches($@"{Regex.Escape(scope)}: open since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ \(", open.Output);
        var campaign = Regex.Match(open.Output, @"campaign: (scope-\S+)").Groups[1].Value;
        Assert.StartsWith($"scope-{scope}-", campaign, StringComparison.Ordinal);
        Assert.Contains("reason: bank-a is down", open.Output, StringComparison.Ordinal);
        Assert.Contains($"campaign: {campaign}", again.Output, StringComparison.Ordinal); // idempotent: the same opening

        // Each account of the scope enters recovery on its next message, which it parks.
        foreach (var account in accounts)
        {
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(account, LedgerMessages.Credit("c2", 5))).Outcome);
        }

        var shown = await Eventually.WaitForAsync(() => RunAsync("scope", "show", scope),
            r => Regex.IsMatch(r.Output, @"Now\s+3 recovering \(0 stuck\), 0 faulted, 0 replaying"),
            Deadline, "scope show counts the 3 accounts recovering");
        Assert.Equal(0, shown.Code);
        Assert.Matches($@"Campaign\s+{Regex.Escape(campaign)}\s", shown.Output);
        Assert.Matches($@"Scope\s+{Regex.Escape(scope)} \(its opening started this campaign\)", shown.Output);
        Assert.Matches(@"State\s+Entering \(scope open", shown.Output);
        Assert.Matches(@"Oldest\s+since \d{4}-", shown.Output);
        Assert.Matches(@"ETA\s+", shown.Output);
        Assert.Matches(@"Stuck\s+none", shown.Output);
        var list = await RunAsync("list", "--scope", scope);
        Assert.All(accounts, a => Assert.Contains($"│ {a} ", list.Output, StringComparison.Ordinal));

        var close = await RunAsync("scope", "close", scope, "--reason", "bank-b is back");
        Assert.Equal(0, close.Code);
        Assert.Matches(@"^bank-b is back \[by .+ via recoveryctl\]$", (await _client.GetRecoveryScope(scope).GetStateAsync()).CloseReason);
        Assert.Contains($"{scope}: closed at ", close.Output, StringComparison.Ordinal);
        Assert.Contains($"campaign: {campaign}", close.Output, StringComparison.Ordinal);
        Assert.Contains("3 recovering (0 stuck)", close.Output, StringComparison.Ordinal);
        Assert.Contains($"recoveryctl list --scope {scope}", close.Output, StringComparison.Ordinal);

        // Closed: each account completes with its own recovery message; then the scope's recovery is done.
        foreach (var account in accounts)
        {
            var done = await RunAsync("send", account, "--type", LedgerMessageTypes.Reconciled, "--recovery", "--id", "r1");
            Assert.Equal(0, done.Code);
            await fixture.Cluster.WaitForReplayAsync(account, Deadline);
            Assert.Equal(105, (await _client.DataAsync(account)).Balance);
        }

        var closed = await Eventually.WaitForAsync(() => RunAsync("scope", "show", scope),
            r => Regex.IsMatch(r.Output, @"State\s+Done \(scope closed"), Deadline, "the scope's recovery is done");
        Assert.Contains("0 recovering (0 stuck), 0 faulted, 0 replaying", closed.Output, StringComparison.Ordinal);
        Assert.True((await _client.GetRecoveryScope(scope).GetStateAsync()) is { IsOpen: false, ClosedAt: not null });
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(accounts[0])).Mode);
    }

    [Fact]
    public async Task CampaignCreate_FromAFileWithOneBadLine_ExitsWith2_NamingTheLine_BeforeConnecting_AndCreatesNothing()
    {
        var campaign = Ids.Transaction();
        var file = await IdsFileAsync(campaign, ["# accounts of the outage", "acct-1", "", "acct/2", "acct-3"]);
        try
        {
            var bad = await RunAsync("campaign", "create", campaign, "--reason", "outage", "--ids-file", file);

            // Without a client, against a gateway nobody listens on: still 2, so the file was checked before connecting.
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            var offline = await RecoveryCtl.RunAsync(["campaign", "create", campaign, "--reason", "outage", "--ids-file", file,
                "--gateway", $"127.0.0.1:{UnusedPort()}", "--connect-timeout", "2s"], client: null, output);

            var name = Path.GetFileName(file);
            Assert.Equal(2, bad.Code);
            Assert.Equal($"recoveryctl: {name} line 4: Transaction id contains '/' at position 4; '/', '\\', '#' and '?' are not allowed " +
                "(storage keys rewrite them). Nothing was sent.", bad.Output.Trim());
            Assert.Equal(2, offline);
            Assert.Contains($"{name} line 4:", output.ToString(), StringComparison.Ordinal);
            var show = await RunAsync("campaign", "show", campaign);
            Assert.Equal((1, $"recoveryctl: cannot show campaign '{campaign}': Campaign '{campaign}' does not exist; create it first."),
                (show.Code, show.Output.Trim()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task CampaignCommands_WithBadArguments_ExitWith2_AndSayWhatIsWrong()
    {
        var badId = await RunAsync("campaign", "show", "a/b");
        var badScope = await RunAsync("scope", "open", new string('s', 129), "--reason", "x");
        var reasonless = await RunAsync("scope", "open", "bank-a");
        var missingFile = await RunAsync("campaign", "create", "c-1", "--reason", "x", "--ids-file", "/nonexistent/ids.txt");
        var badTake = await RunAsync("campaign", "members", "c-1", "--take", "0");
        var intervalWithoutWait = await RunAsync("campaign", "start", "c-1", "--interval", "1s");
        var badListScope = await RunAsync("list", "--scope", "a?b");

        Assert.Equal(2, badId.Code);
        Assert.Contains("<campaign-id> 'a/b': Campaign id contains '/'", badId.Output, StringComparison.Ordinal);
        Assert.Equal(2, badScope.Code);
        Assert.Contains("Recovery scope name is 129 characters; the limit is 128.", badScope.Output, StringComparison.Ordinal);
        Assert.Equal(2, reasonless.Code);
        Assert.Contains("--reason", reasonless.Output, StringComparison.Ordinal);
        Assert.Equal((2, "recoveryctl: ids file '/nonexistent/ids.txt' does not exist."), (missingFile.Code, missingFile.Output.Trim()));
        Assert.Equal((2, "recoveryctl: --take is 0; it must be at least 1."), (badTake.Code, badTake.Output.Trim()));
        Assert.Equal((2, "recoveryctl: --interval and --timeout are for --wait; add --wait."),
            (intervalWithoutWait.Code, intervalWithoutWait.Output.Trim()));
        Assert.Equal(2, badListScope.Code);
        Assert.Contains("--scope 'a?b': Recovery scope name contains '?'", badListScope.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Campaign_CreateStartWaitShowComplete_Reaches50Recovering_ThenDoneWith50BackToNormal()
    {
        var campaign = Ids.Transaction();
        var members = Enumerable.Range(1, 50).Select(i => string.Create(CultureInfo.InvariantCulture, $"{campaign}-a{i:D2}")).ToList();
        await Task.WhenAll(members.Select(m => _client.SubmitAsync(m, LedgerMessages.Credit("c1", 100))));
        var file = await IdsFileAsync(campaign, ["# the accounts bank-b reported", .. members, members[0], "   "]);
        try
        {
            var create = await RunAsync("campaign", "create", campaign, "--reason", "bank-b lost a batch", "--ids-file", file);
            var start = await RunAsync("campaign", "start", campaign, "--reason", "night shift", "--wait", "--interval", "200ms", "--timeout", "2m");

            Assert.Equal(0, create.Code);
            Assert.StartsWith($"{campaign}: Draft, 50 members (50 ids read from {Path.GetFileName(file)}, 1 repeated ids skipped)",
                create.Output, StringComparison.Ordinal);
            Assert.Equal(0, start.Code);
            Assert.Contains($"{campaign}: started; 50 members enter recovery in order.", start.Output, StringComparison.Ordinal);
            Assert.Contains($"{campaign}: Entered, 50/50 entered", start.Output, StringComparison.Ordinal);
            Assert.Matches(@"^night shift \[by .+ via recoveryctl\]$", (await _client.GetRecoveryCampaign(campaign).GetProgressAsync()).StartReason);

            // The counts come from the registry, which hears from each member when it enters recovery.
            var show = await Eventually.WaitForAsync(() => RunAsync("campaign", "show", campaign),
                r => r.Output.Contains("50 recovering (0 stuck), 0 faulted, 0 replaying; 0 back to normal", StringComparison.Ordinal),
                Deadline, "campaign show counts 50 recovering");
            Assert.Matches(@"State\s+Entered", show.Output);
            Assert.Matches(@"Members\s+50; entered 50", show.Output);
            Assert.Matches(@"Oldest\s+since \d{4}-\d\d-\d\d ", show.Output);
            Assert.Matches(@"Stuck\s+none", show.Output);
            var list = await RunAsync("list", "--campaign", campaign);
            Assert.Equal(50, members.Count(m => list.Output.Contains($"│ {m} ", StringComparison.Ordinal)));
            var page = await RunAsync("campaign", "members", campaign, "--from", "48", "--take", "5");
            Assert.Equal([members[48], members[49], $"# 2 of 50 members of {campaign}, from 48"], Lines(page.Output));

            // A normal message to a member now parks; bulk completion replays it.
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(members[0], LedgerMessages.Credit("c2", 5))).Outcome);
            var complete = await RunAsync("campaign", "complete", campaign, "--type", LedgerMessageTypes.Reconciled, "--payload", "{}",
                "--wait", "--interval", "200ms", "--timeout", "2m");
            Assert.Equal(0, complete.Code);
            Assert.Contains("completion requested; 'reconciled' goes to each of 50 entered members", complete.Output, StringComparison.Ordinal);
            Assert.Contains("completion sent to 50", complete.Output, StringComparison.Ordinal);

            var done = await Eventually.WaitForAsync(() => RunAsync("campaign", "show", campaign),
                r => Regex.IsMatch(r.Output, @"State\s+Done"), Deadline, "the campaign is Done");
            Assert.Contains("0 recovering (0 stuck), 0 faulted, 0 replaying; 50 back to normal", done.Output, StringComparison.Ordinal);
            Assert.Matches(@"ETA\s+done", done.Output);
            Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(members[49])).Mode);
            await fixture.Cluster.WaitForReplayAsync(members[0], Deadline);
            Assert.Equal(105, (await _client.DataAsync(members[0])).Balance);
            Assert.Contains($"No recovering, faulted or stuck transactions of campaign {campaign}.",
                (await RunAsync("list", "--campaign", campaign)).Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ClientConveniences_StartACampaign_AndCompleteItWithTheApplicationsMessagePerMember()
    {
        var campaign = Ids.Transaction();
        var members = Enumerable.Range(1, 12).Select(i => string.Create(CultureInfo.InvariantCulture, $"{campaign}-m{i:D2}")).ToList();
        long AmountFor(string member) => 10 * (members.IndexOf(member) + 1);

        var started = await _client.StartRecoveryCampaignAsync(campaign, "client convenience test", members);
        Assert.Equal(12, started.Members);
        await Eventually.WaitForAsync(() => _client.GetRecoveryCampaign(campaign).GetProgressAsync(),
            p => p.State == CampaignState.Entered, Deadline, "every member entered");

        // Per member: its own adjustment (recovery goes on), except one for which the application gives a normal message (a bug).
        var adjusted = await _client.CompleteRecoveryCampaignAsync(campaign, m => m == members[0]
            ? LedgerMessages.Credit($"{campaign}-adj", 1)
            : LedgerMessages.Adjustment($"{campaign}-adj", AmountFor(m)), concurrency: 4);
        var reconciled = await _client.CompleteRecoveryCampaignAsync(campaign, _ => LedgerMessages.Reconciled($"{campaign}-done"));
        var repeated = await _client.CompleteRecoveryCampaignAsync(campaign, _ => LedgerMessages.Reconciled($"{campaign}-done"));

        Assert.Equal((12, 11, 0, 1), (adjusted.Members, adjusted.Processed, adjusted.Rejected, adjusted.Failed));
        Assert.Equal(members[0], Assert.Single(adjusted.Failures).TransactionId);
        Assert.Contains("completing needs a Recovery message", adjusted.Failures[0].Error, StringComparison.Ordinal);
        Assert.Equal((12, 12), (reconciled.Members, reconciled.Processed));
        Assert.Equal((12, 12), (repeated.Members, repeated.Duplicate));
        foreach (var member in members)
        {
            Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(member)).Mode);
            Assert.Equal(member == members[0] ? 0 : AmountFor(member), (await _client.DataAsync(member)).Balance);
        }

        await Eventually.WaitForAsync(() => _client.GetRecoveryCampaign(campaign).GetProgressAsync(),
            p => p is { State: CampaignState.Done, BackToNormal: 12 }, Deadline, "the campaign is Done");
        var counts = await _client.CountTransactionsAsync(new RegistryQuery { CampaignId = campaign });
        Assert.Equal(0, counts.Total);
    }

    [Fact]
    public async Task AdminApi_ServesAScopesStateAndProgress_AndACampaignsProgress_AsJson()
    {
        var scope = Ids.Transaction();
        var campaign = Ids.Transaction();
        await _client.StartRecoveryCampaignAsync(campaign, "admin api test", [$"{campaign}-x1", $"{campaign}-x2"]);
        await _client.OpenRecoveryScopeAsync(scope, "admin api scope");
        var (app, address) = await StartAdminAsync();
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };

        var campaignView = await Eventually.WaitForAsync(() => http.GetFromJsonAsync<JsonElement>($"admin/api/campaigns/{campaign}"),
            v => v.GetProperty("progress") is var p && p.GetProperty("recovering").GetInt64() == 2 && p.GetProperty("state").GetString() == "Entered",
            Deadline, "the campaign's 2 members are entered and listed");
        var scopeView = await http.GetFromJsonAsync<JsonElement>($"admin/api/scopes/{scope}");
        var missing = await http.GetAsync(new Uri($"admin/api/campaigns/{campaign}-none", UriKind.Relative));
        var tooLong = await http.GetAsync(new Uri($"admin/api/scopes/{new string('s', 129)}", UriKind.Relative));

        var progress = campaignView.GetProperty("progress");
        Assert.Equal(campaign, progress.GetProperty("campaignId").GetString());
        Assert.Equal("Entered", progress.GetProperty("state").GetString());
        Assert.Equal(2, progress.GetProperty("members").GetInt64());
        Assert.Equal(JsonValueKind.String, progress.GetProperty("oldestSince").ValueKind);
        Assert.True(scopeView.GetProperty("scope").GetProperty("isOpen").GetBoolean());
        Assert.Equal("admin api scope", scopeView.GetProperty("scope").GetProperty("reason").GetString());
        Assert.Equal(scope, scopeView.GetProperty("progress").GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        await _client.CloseRecoveryScopeAsync(scope);
        await _client.CompleteRecoveryCampaignAsync(campaign, _ => LedgerMessages.Reconciled($"{campaign}-done"));
    }

    /// <summary>The admin endpoints in a web host of their own, on a loopback port, reading the cluster through the test client.</summary>
    private async Task<(WebApplication App, Uri Address)> StartAdminAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IGrainFactory>(_client);
        var app = builder.Build();
        app.MapTransactionRecoveryAdmin();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var code = await RecoveryCtl.RunAsync(args, _client, output);
        return (code, output.ToString());
    }

    private static async Task<string> IdsFileAsync(string campaign, IEnumerable<string> lines)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{campaign}.ids");
        await File.WriteAllLinesAsync(file, lines);
        return file;
    }

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
