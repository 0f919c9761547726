using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using OrleansRecovery.Client;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace OrleansRecovery.Tests.Browser;

/// <summary>
/// The operators' web host outlives the silo: while the only silo is down its page says the registry does not answer (instead
/// of going blank or dying), and when a silo is back on the same ports the page shows the recovering transaction again.
/// </summary>
public sealed class OperatorHostOutageTests(WebSiloFixture browser) : IClassFixture<WebSiloFixture>, IAsyncLifetime
{
    private AzuriteInstance? _azurite;
    private InProcessSilo? _silo;
    private WebApplication? _operator;
    private string[] _siloArgs = [];
    private string _operatorUrl = "";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync();
        var ports = LoopbackPorts.Free(4);
        _siloArgs = WebSiloFixture.SiloArguments(_azurite.ConnectionString, ports);
        _silo = await StartSiloAsync();
        (_operator, var settings) = await WebSiloFixture.StartOperatorHostAsync(_siloArgs, ports[3]);
        _operatorUrl = settings.Url;
    }

    public async Task DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        await StopSiloAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task SiloDown_PageSaysTheRegistryDoesNotAnswer_SiloBack_PageShowsTheTransactionAgain()
    {
        const string account = "outage-account";
        await _silo!.Grains.BeginRecoveryAsync(account, "before the outage");
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{_operatorUrl}/admin/");
            var row = page.Locator($"#transactions tbody tr[data-transaction-id=\"{account}\"]");
            await Expect(row.Locator("td.state")).ToHaveTextAsync("recovering");

            await StopSiloAsync();
            await Expect(page.Locator("#error")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
            await Expect(page.Locator("#error")).ToContainTextAsync("did not answer");

            // A silo on the same ports and storage: the client reconnects, the persisted registry still lists the transaction.
            _silo = await StartSiloAsync();
            await Expect(page.Locator("#error")).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 60_000 });
            await Expect(row.Locator("td.state")).ToHaveTextAsync("recovering");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private Task<InProcessSilo> StartSiloAsync() => InProcessSilo.StartAsync(null, InProcessSilo.RepositoryConfigDirectory(), _siloArgs);

    private async Task StopSiloAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
            _silo = null;
        }
    }
}
