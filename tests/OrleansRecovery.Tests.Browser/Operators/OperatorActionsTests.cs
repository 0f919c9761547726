using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using OrleansRecovery.Client;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansRecovery.Tests.Browser.Operators;

/// <summary>
/// Operators acting from the admin page in headless Chromium: with an operator policy, a signed-in operator begins a recovery,
/// retries and skips a held message, opens and closes a scope and starts and completes a campaign — each after a confirmation
/// with a reason, recorded with their name; without a policy, or without the right user, the actions are hidden and refused.
/// The same pages show the parked messages and the replay preview.
/// </summary>
public sealed class OperatorActionsTests(OperatorPageFixture fixture, ITestOutputHelper output) : IClassFixture<OperatorPageFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly List<IBrowserContext> _contexts = [];
    private readonly ConcurrentQueue<string> _browserLog = new();
    private readonly IClusterClient _client = fixture.Client;
    private readonly TransactionTestCluster _cluster = fixture.Cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        foreach (var line in _browserLog)
        {
            output.WriteLine(line);
        }
    }

    [Fact]
    public async Task WithoutAnOperatorPolicy_ActionsAreHidden_AndTheApiRefusesThem()
    {
        const string tx = "ops-readonly-1";
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));
        var page = await OpenAsync(fixture.ReadOnlyUrl, "#tx=" + tx, user: "alice");

        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Normal");
        await Expect(page.Locator("#operator")).ToHaveTextAsync("Read-only");
        await Expect(page.Locator("#detail-actions")).ToBeHiddenAsync();
        await Expect(page.Locator("#operations")).ToBeHiddenAsync();

        var refused = await PostAsync(page, fixture.ReadOnlyUrl, "begin-recovery", tx, "should not happen");
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("read-only", await refused.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);
    }

    [Fact]
    public async Task WithAnOperatorPolicy_UsersOutsideIt_SeeNoActions_AndAreRefused()
    {
        const string tx = "ops-outsider-1";
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10));

        var anonymous = await OpenAsync(fixture.OperatorUrl, "#tx=" + tx, user: null);
        await Expect(anonymous.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Normal");
        await Expect(anonymous.Locator("#operator")).ToHaveTextAsync("Read-only for anonymous");
        await Expect(anonymous.Locator("#detail-actions")).ToBeHiddenAsync();
        var unauthenticated = await PostAsync(anonymous, fixture.OperatorUrl, "begin-recovery", tx, "no sign-in");
        Assert.Equal((int)HttpStatusCode.Unauthorized, unauthenticated.Status);

        var viewer = await OpenAsync(fixture.OperatorUrl, "#tx=" + tx, user: "victor", role: "viewer");
        await Expect(viewer.Locator("#operator")).ToHaveTextAsync("Read-only for victor");
        await Expect(viewer.Locator("#detail-actions")).ToBeHiddenAsync();
        await Expect(viewer.Locator("#operations")).ToBeHiddenAsync();
        var forbidden = await PostAsync(viewer, fixture.OperatorUrl, "begin-recovery", tx, "not an operator");
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden.Status);

        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);
    }

    [Fact]
    public async Task Operator_BeginsRecoveryAfterConfirming_ThenSeesTheParkedMessagesAndTheReplayPreview()
    {
        const string tx = "ops-begin-1";
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c0", 100));
        var page = await OpenAsync(fixture.OperatorUrl, "#tx=" + tx, user: "alice");
        await Expect(page.Locator("#operator")).ToHaveTextAsync("Operator: alice");
        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Normal");

        // Cancelling the confirmation does nothing; confirming needs a reason.
        await page.Locator("#act-begin").ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-ok")).ToBeDisabledAsync();
        await page.Locator("#confirm-cancel").ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);

        await page.Locator("#act-begin").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("PSP says the last debit is unknown");
        await page.Locator("#confirm-ok").ClickAsync();

        await Expect(page.Locator("#action-result")).ToContainTextAsync($"begin-recovery of {tx} by alice");
        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Recovering");
        await Expect(page.Locator("#detail [data-field=recovery-reason]")).ToHaveTextAsync("PSP says the last debit is unknown [by alice via admin page]");
        await Expect(page.Locator("#act-begin")).ToBeHiddenAsync();
        Assert.Equal("PSP says the last debit is unknown [by alice via admin page]", (await _client.GetStatusAsync(tx)).Recovery!.Reason);
        await Expect(page.Locator("#timeline tbody tr[data-kind=RecoveryBegun] td.text")).ToContainTextAsync("PSP says the last debit is unknown [by alice via admin page]");
        Assert.Contains(fixture.OperatorLog.Messages, m => m.EventId == 8001
            && m.Message.Contains("alice did begin-recovery on ops-begin-1", StringComparison.Ordinal)
            && m.Message.Contains("PSP says the last debit is unknown", StringComparison.Ordinal));

        // What is parked, and what replay would do with it.
        await _client.SubmitBatchAsync(tx,
            [LedgerMessages.Credit("p1", 5), TransactionMessage.Normal("p2", "bogus", "{}"), LedgerMessages.Debit("p3", 20)]);
        await Expect(page.Locator("#pending tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#pending tbody tr[data-position='1'] td.message")).ToHaveTextAsync("p2");
        await Expect(page.Locator("#pending-range")).ToHaveTextAsync("0–2 of 3");
        await page.Locator("#preview-run").ClickAsync();
        await Expect(page.Locator("#preview-entries tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#preview-entries tr[data-message-id=p2] td.verdict")).ToHaveTextAsync("rejected");
        await Expect(page.Locator("#preview-entries tr[data-message-id=p3] td.verdict")).ToHaveTextAsync("applied");
        await Expect(page.Locator("#preview-summary")).ToContainTextAsync("applied 2, rejected 1");
        await Expect(page.Locator("#preview-data")).ToContainTextAsync("\"balance\": 85");
        Assert.Equal(100, (await _client.GetDataAsync<LedgerData>(tx))!.Balance);
        await SaveScreenshotAsync(page, "admin-operator.png");
    }

    [Fact]
    public async Task Operator_RetriesThenSkipsAHeldMessage_WithTheReasonKept()
    {
        const string tx = "ops-poison-1";
        await _client.SubmitAsync(tx, TransactionMessage.Normal("boom", PoisonableLedgerLogic.Explode, "{}"));
        await _client.SubmitAsync(tx, LedgerMessages.Credit("after", 7));
        var page = await OpenAsync(fixture.OperatorUrl, "#tx=" + tx, user: "bob");
        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Faulted");
        var attempts = (await _client.GetStatusAsync(tx)).Fault!.Attempts;

        await page.Locator("#act-retry").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("one more try after the hotfix");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"retry of {tx} by bob");
        await Expect(page.Locator("#action-result")).ToContainTextAsync("mode Faulted");
        Assert.True((await _client.GetStatusAsync(tx)).Fault!.Attempts > attempts);
        // Automatic retries are recorded too; the operator's one names who and why.
        await Expect(page.Locator("#timeline tbody tr[data-kind=Retried] td.text",
            new() { HasText = "retried because: one more try after the hotfix [by bob via admin page]" })).ToHaveCountAsync(1);

        await page.Locator("#act-skip").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("refunded by hand");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"skip of {tx} by bob");
        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Normal");
        await Expect(page.Locator("#timeline tbody tr[data-kind=Skipped] td.text")).ToHaveTextAsync("message boom: refunded by hand [by bob via admin page]");
        await Expect(page.Locator("#timeline tbody tr[data-kind=Faulted]")).ToHaveCountAsync(1);
        var status = await _client.GetStatusAsync(tx);
        Assert.Contains(status.RecentRejections, r => r.MessageId == "boom" && r.Reason.Contains("refunded by hand [by bob via admin page]", StringComparison.Ordinal));
        await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.PendingCount == 0, Timeout, "the parked credit replays");
        Assert.Equal(7, (await _client.GetDataAsync<LedgerData>(tx))!.Balance);
    }

    [Fact]
    public async Task Operator_OpensAndClosesAScope_AndStartsAndCompletesACampaign()
    {
        const string scope = "ops-bank";
        const string campaign = "ops-campaign-1";
        string[] members = ["ops-member-1", "ops-member-2"];
        var page = await OpenAsync(fixture.OperatorUrl, "", user: "carol");
        await Expect(page.Locator("#operations")).ToBeVisibleAsync();

        await page.Locator("#scope-name").FillAsync(scope);
        await page.Locator("#act-scope-open").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("ops-bank API down");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"scope-open of {scope} by carol", new() { Timeout = 30_000 });
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"scope {scope} open");
        var opened = await _client.GetRecoveryScope(scope).GetStateAsync();
        Assert.True(opened.IsOpen);
        Assert.Equal("ops-bank API down [by carol via admin page]", opened.Reason);

        await page.Locator("#act-scope-close").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("ops-bank API back");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"scope {scope} closed", new() { Timeout = 30_000 });
        var closed = await _client.GetRecoveryScope(scope).GetStateAsync();
        Assert.False(closed.IsOpen);
        Assert.Equal("ops-bank API back [by carol via admin page]", closed.CloseReason);
        // Acted on from the page: on the operations panel at once, with who opened and closed it and why.
        var scopePanel = page.Locator($"#operations-list .operation[data-kind=scope][data-name={scope}]");
        await Expect(scopePanel.Locator(".close-reason")).ToHaveTextAsync("closed: ops-bank API back [by carol via admin page]");

        var grain = _client.GetRecoveryCampaign(campaign);
        await grain.CreateAsync("incident 17");
        await grain.AddMembersAsync(members);
        await page.Locator("#campaign-id").FillAsync(campaign);
        await page.Locator("#act-campaign-start").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("incident 17 confirmed");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"campaign-start of {campaign} by carol");
        await Eventually.WaitForAsync(grain.GetProgressAsync, p => p.Entered == members.Length, Timeout, "both members entered recovery");
        Assert.All(await Task.WhenAll(members.Select(m => _client.GetStatusAsync(m))), s => Assert.Equal(TransactionMode.Recovering, s.Mode));

        await page.Locator("#campaign-type").FillAsync(LedgerMessageTypes.Reconciled);
        await page.Locator("#campaign-payload").FillAsync("{}");
        await page.Locator("#act-campaign-complete").ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("end-of-day file matched");
        await page.Locator("#confirm-ok").ClickAsync();
        await Expect(page.Locator("#action-result")).ToContainTextAsync($"campaign-complete of {campaign} by carol");
        await Eventually.WaitForAsync(() => Task.WhenAll(members.Select(m => _client.GetStatusAsync(m))),
            all => all.All(s => s.Mode == TransactionMode.Normal), Timeout, "both members are back to Normal");
        var progress = await grain.GetProgressAsync();
        Assert.Equal("incident 17 confirmed [by carol via admin page]", progress.StartReason);
        Assert.Equal("end-of-day file matched [by carol via admin page]", progress.CompletionReason);
        var campaignPanel = page.Locator($"#operations-list .operation[data-kind=campaign][data-name={campaign}]");
        await Expect(campaignPanel).ToHaveAttributeAsync("data-state", "Done");
        await Expect(campaignPanel.Locator(".start-reason")).ToHaveTextAsync("started: incident 17 confirmed [by carol via admin page]");
        await Expect(campaignPanel.Locator(".completion-reason")).ToHaveTextAsync("completion: end-of-day file matched [by carol via admin page]");
    }

    [Fact]
    public async Task ProgressPanel_FollowsACampaign_AsItAdvances_WithoutAReload()
    {
        const int size = 30;
        var campaign = "live-campaign-" + Guid.NewGuid().ToString("N")[..6];
        var members = Enumerable.Range(0, size).Select(i => $"{campaign}-m{i:D2}").ToList();
        var page = await OpenAsync(fixture.ReadOnlyUrl, "", user: "viewer");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var panel = page.Locator($"#operations-list .operation[data-kind=campaign][data-name={campaign}]");
        await Expect(panel).ToHaveCountAsync(0);

        // Started elsewhere (recoveryctl, code): the page finds it through the registry, read-only page included.
        var grain = _client.GetRecoveryCampaign(campaign);
        await grain.CreateAsync("live progress");
        await grain.AddMembersAsync(members);
        await grain.StartAsync();
        await Expect(panel).ToHaveAttributeAsync("data-entered", size.ToString(CultureInfo.InvariantCulture));
        await Expect(panel).ToHaveAttributeAsync("data-recovering", size.ToString(CultureInfo.InvariantCulture));
        await Expect(panel).ToHaveAttributeAsync("data-listed", "true");
        await Expect(panel.Locator("rect[data-seg=recovering]")).ToHaveAttributeAsync("data-value", size.ToString(CultureInfo.InvariantCulture));

        // A third of the members reconciled one by one: the bar moves on the next poll.
        foreach (var member in members.Take(10))
        {
            await _client.SubmitAsync(member, LedgerMessages.Reconciled("eod-" + member));
        }

        await Expect(panel).ToHaveAttributeAsync("data-back-to-normal", "10");
        await Expect(panel.Locator("rect[data-seg=backToNormal]")).ToHaveAttributeAsync("data-value", "10");
        await Expect(panel.Locator("rect[data-seg=recovering]")).ToHaveAttributeAsync("data-value", "20");
        await SaveScreenshotAsync(page, "admin-progress.png");
        output.WriteLine("api/operations: " + await (await page.APIRequest.GetAsync($"{fixture.ReadOnlyUrl}/admin/api/operations")).TextAsync());

        // The rest in bulk: Done, and still shown (the page saw it) once the registry no longer lists its members.
        await grain.CompleteAllAsync(LedgerMessageTypes.Reconciled, "{}");
        await Expect(panel).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 60_000 });
        await Expect(panel).ToHaveAttributeAsync("data-back-to-normal", size.ToString(CultureInfo.InvariantCulture));
        await Expect(panel).ToHaveAttributeAsync("data-listed", "false");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }

    [Fact]
    public async Task Charts_DrawTheClusterOverTime_AndATransactionsPendingDepth()
    {
        var tx = "chart-tx-" + Guid.NewGuid().ToString("N")[..6];
        await _client.SubmitAsync(tx, LedgerMessages.Credit("c0", 100));
        await _client.GetTransaction(tx).BeginRecoveryAsync("chart test");
        await _client.SubmitBatchAsync(tx, [LedgerMessages.Credit("p1", 1), LedgerMessages.Credit("p2", 2), LedgerMessages.Credit("p3", 3)]);
        var page = await OpenAsync(fixture.ReadOnlyUrl, "", user: "viewer");

        // The host samples the registry every refresh interval: while the transaction is recovering with 3 parked, the samples say so.
        var history = await Eventually.WaitForAsync(async () => JsonDocument.Parse(await (await page.APIRequest.GetAsync($"{fixture.ReadOnlyUrl}/admin/api/history")).TextAsync()),
            h => h.RootElement.GetProperty("samples").EnumerateArray().Any(s => s.GetProperty("recovering").GetInt64() >= 1 && s.GetProperty("pending").GetInt64() >= 3),
            Timeout, "a sample counts the recovering transaction and its parked messages");
        Assert.True(history.RootElement.GetProperty("samples").GetArrayLength() >= 1);
        output.WriteLine("api/history: " + history.RootElement.GetRawText());
        await Expect(page.Locator("#cluster-states polyline[data-series=recovering]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#cluster-pending polyline[data-series=pending]")).ToHaveCountAsync(1);
        await Eventually.WaitUntilAsync(async () => int.Parse(await page.Locator("#cluster-pending polyline").GetAttributeAsync("data-count") ?? "0", CultureInfo.InvariantCulture) >= 3,
            Timeout, "the cluster chart grows by a point per sample, without a reload");

        // The transaction's chart, from its timeline: up to 3 parked, back to 0 after the reconciliation replays them.
        await _client.SubmitAsync(tx, LedgerMessages.Reconciled("eod"));
        await _cluster.WaitForReplayAsync(tx, Timeout);
        await page.GotoAsync($"{fixture.ReadOnlyUrl}/admin/#tx={tx}");
        await Expect(page.Locator("#tx-chart polyline[data-series=pending]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#tx-chart circle.marker-RecoveryBegun")).ToHaveCountAsync(1);
        await Expect(page.Locator("#tx-chart circle.marker-RecoveryCompleted")).ToHaveCountAsync(1);
        await Expect(page.Locator("#tx-chart circle.marker-Replayed")).ToHaveCountAsync(1);
        var detail = JsonDocument.Parse(await (await page.APIRequest.GetAsync($"{fixture.ReadOnlyUrl}/admin/api/transaction?id={tx}")).TextAsync());
        var depths = detail.RootElement.GetProperty("pendingSeries").EnumerateArray().Select(p => p.GetProperty("depth").GetInt64()).ToList();
        output.WriteLine("api/transaction pendingSeries: " + detail.RootElement.GetProperty("pendingSeries").GetRawText());
        Assert.Equal(3, depths.Max());
        Assert.Equal(0, depths[^1]);
        Assert.Equal(depths.Count.ToString(CultureInfo.InvariantCulture), await page.Locator("#tx-chart").GetAttributeAsync("data-points"));
    }

    [Fact]
    public async Task ActionApi_RefusesBadRequests_NamingWhatIsWrong()
    {
        var page = await OpenAsync(fixture.OperatorUrl, "", user: "alice");

        var noReason = await PostAsync(page, fixture.OperatorUrl, "begin-recovery", "ops-bad-1", "  ");
        var badTarget = await PostAsync(page, fixture.OperatorUrl, "begin-recovery", "a/b", "why");
        var unknown = await PostAsync(page, fixture.OperatorUrl, "delete-everything", "ops-bad-1", "why");
        var notFaulted = await PostAsync(page, fixture.OperatorUrl, "retry", "ops-bad-2", "why");

        Assert.Equal((400, true), (noReason.Status, (await noReason.TextAsync()).Contains("reason is missing", StringComparison.Ordinal)));
        Assert.Equal((400, true), (badTarget.Status, (await badTarget.TextAsync()).Contains("'/'", StringComparison.Ordinal)));
        Assert.Equal((400, true), (unknown.Status, (await unknown.TextAsync()).Contains("is not an action", StringComparison.Ordinal)));
        Assert.Equal((409, true), (notFaulted.Status, (await notFaulted.TextAsync()).Contains("not faulted", StringComparison.Ordinal)));
    }

    private async Task<IPage> OpenAsync(string baseUrl, string fragment, string? user, string? role = null)
    {
        var headers = new Dictionary<string, string>();
        if (user is not null)
        {
            headers[HeaderOperatorAuthentication.UserHeader] = user;
        }

        if (role is not null)
        {
            headers[HeaderOperatorAuthentication.RoleHeader] = role;
        }

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
            ExtraHTTPHeaders = headers,
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _browserLog.Enqueue($"[browser {message.Type}] {message.Text}");
        page.PageError += (_, error) => _browserLog.Enqueue($"[browser error] {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _browserLog.Enqueue($"[browser] {response.Status} {response.Url}");
            }
        };
        var response = await page.GotoAsync($"{baseUrl}/admin/{fragment}");
        Assert.Equal(200, response?.Status);
        await Expect(page.Locator("#refreshed-at")).Not.ToHaveTextAsync("never");
        return page;
    }

    /// <summary>Posts an action as the page's user would (same headers), bypassing the page.</summary>
    private static Task<IAPIResponse> PostAsync(IPage page, string baseUrl, string action, string target, string reason) =>
        page.APIRequest.PostAsync($"{baseUrl}/admin/api/actions/{action}", new APIRequestContextOptions
        {
            DataObject = new { target, reason },
        });

    private async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Environment.GetEnvironmentVariable("ORLEANSRECOVERY_SCREENSHOTS") is { Length: > 0 } dir ? dir : AppContext.BaseDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
