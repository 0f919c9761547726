using System.Collections.Concurrent;
using System.Net;
using Microsoft.Playwright;
using OrleansRecovery.Client;
using OrleansRecovery.Ledger;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansRecovery.Tests.Browser;

/// <summary>
/// The admin page and the Orleans Dashboard served by the silo's web host, in a real headless Chromium: an operator watching the
/// page sees a transaction enter recovery (with its parked messages) and leave it, opens its detail, and is never fed markup.
/// </summary>
public sealed class AdminPageTests(WebSiloFixture silo, ITestOutputHelper output) : IClassFixture<WebSiloFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    // What the browser logged, printed when the test ends: Playwright may report it after the test's last await.
    private readonly ConcurrentQueue<string> _browserLog = new();

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
    public async Task AdminPage_ShowsATransactionEnterRecovery_AndLeaveIt()
    {
        const string account = "browser-account-1";
        var page = await OpenAdminAsync();
        var row = page.Locator($"#transactions tbody tr[data-transaction-id=\"{account}\"]");
        await Expect(row).ToHaveCountAsync(0);

        var recovery = await silo.Grains.BeginRecoveryAsync(account, "gateway timed out");
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, (await silo.Grains.SubmitAsync(account, LedgerMessages.Credit($"c{i}", 10))).Outcome);
        }

        // The page refreshes on its own: the row appears with the state, the reason and the parked messages.
        await Expect(row.Locator("td.state")).ToHaveTextAsync("recovering");
        await Expect(row.Locator("td.pending")).ToHaveTextAsync("3");
        await Expect(row.Locator("td.reason")).ToHaveTextAsync("gateway timed out");
        await Expect(page.Locator("#count-recovering")).Not.ToHaveTextAsync("0");

        await row.ClickAsync();
        var detail = page.Locator("#detail");
        await Expect(detail).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-field=mode]")).ToHaveTextAsync("Recovering");
        await Expect(detail.Locator("[data-field=pending]")).ToHaveTextAsync("3");
        await Expect(detail.Locator("[data-field=recovery-reason]")).ToHaveTextAsync("gateway timed out");
        await SaveScreenshotAsync(page, "admin-recovering.png");

        Assert.Equal(SubmitOutcome.Processed,
            (await silo.Grains.SubmitAsync(account, LedgerMessages.Reconciled("r1", recovery.RecoveryId))).Outcome);

        // Replayed and back to Normal: the row leaves the list; the open detail shows the statement with the three credits.
        await Expect(row).ToHaveCountAsync(0);
        await Expect(detail.Locator("[data-field=mode]")).ToHaveTextAsync("Normal");
        await Expect(detail.Locator("[data-field=pending]")).ToHaveTextAsync("0");
        await Expect(page.Locator("#detail-data")).ToContainTextAsync("\"balance\": 30");
        await SaveScreenshotAsync(page, "admin-recovered.png");
    }

    [Fact]
    public async Task AdminPage_ShowsHostileTransactionIds_AsText()
    {
        const string hostile = "<img src=x onerror=\"window.pwned=1\">";
        var page = await OpenAdminAsync();
        await silo.Grains.BeginRecoveryAsync(hostile, "<script>window.pwned=2</script>");

        var row = page.Locator("#transactions tbody tr").Filter(new LocatorFilterOptions { HasText = "onerror" });
        await Expect(row.Locator("td.id")).ToHaveTextAsync(hostile);
        await Expect(row.Locator("td.reason")).ToHaveTextAsync("<script>window.pwned=2</script>");
        Assert.Equal(0, await page.Locator("#transactions img, #transactions script").CountAsync());

        await row.ClickAsync();
        await Expect(page.Locator("#detail-id")).ToHaveTextAsync(hostile);
        await Expect(page.Locator("#detail [data-field=mode]")).ToHaveTextAsync("Recovering");
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.pwned"));
    }

    [Fact]
    public async Task AdminPage_LinksTheOrleansDashboard_ServedByTheSameHost()
    {
        var page = await OpenAdminAsync();
        var link = page.Locator("#dashboard-link");
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();

        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        Assert.EndsWith("/dashboard/", page.Url, StringComparison.Ordinal);
        // The dashboard's own API answers from the silo (grain call statistics of this cluster).
        var stats = await page.APIRequest.GetAsync($"{silo.BaseUrl}/dashboard/ClusterStats");
        Assert.Equal(200, stats.Status);
    }

    [Fact]
    public async Task OperatorWebHost_ServesTheSamePages_AsAClientOfTheCluster()
    {
        const string account = "browser-account-ops";
        var page = await OpenAdminAsync(baseUrl: silo.OperatorUrl);
        await silo.Grains.BeginRecoveryAsync(account, "seen from the operators' host");

        var row = page.Locator($"#transactions tbody tr[data-transaction-id=\"{account}\"]");
        await Expect(row.Locator("td.state")).ToHaveTextAsync("recovering");
        await Expect(row.Locator("td.reason")).ToHaveTextAsync("seen from the operators' host");

        // The dashboard, hosted on the client, reads the silo's statistics (the silo registers the dashboard too).
        await page.Locator("#dashboard-link").ClickAsync();
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        var stats = await page.APIRequest.GetAsync($"{silo.OperatorUrl}/dashboard/ClusterStats");
        Assert.Equal(200, stats.Status);
    }

    [Fact]
    public async Task AdminApi_RejectsBadInput_NamingWhatIsWrong()
    {
        using var http = new HttpClient { BaseAddress = new Uri(silo.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };

        using var badId = await http.GetAsync(new Uri("/admin/api/transaction?id=a%2Fb", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("'/'", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var noId = await http.GetAsync(new Uri("/admin/api/transaction", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Contains("id is missing", await noId.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var badFilter = await http.GetAsync(new Uri("/admin/api/transactions?state=sleeping", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("recovering", await badFilter.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The page itself opens the bad id and shows the reason instead of a transaction.
        var page = await OpenAdminAsync("#tx=" + Uri.EscapeDataString("a/b"));
        await Expect(page.Locator("#detail-error")).ToContainTextAsync("'/'");
    }

    private async Task<IPage> OpenAdminAsync(string fragment = "", string? baseUrl = null)
    {
        var context = await silo.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _browserLog.Enqueue($"[browser {message.Type}] {message.Text}");
        page.PageError += (_, error) => _browserLog.Enqueue($"[browser error] {error}");
        var response = await page.GotoAsync($"{baseUrl ?? silo.BaseUrl}/admin/{fragment}");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await Expect(page.Locator("#refreshed-at")).Not.ToHaveTextAsync("never");
        return page;
    }

    private async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Environment.GetEnvironmentVariable("ORLEANSRECOVERY_SCREENSHOTS") is { Length: > 0 } dir ? dir : AppContext.BaseDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
