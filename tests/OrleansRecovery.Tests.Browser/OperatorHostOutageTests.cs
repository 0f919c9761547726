using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using OrleansRecovery.Client;
using OrleansRecovery.Silo;
using OrleansRecovery.Testing;
using OrleansRecovery.Web;
using static Microsoft.Playwright.Assertions;

namespace OrleansRecovery.Tests.Browser;

/// <summary>
/// The operators' web host outlives the silo: while the only silo is down its page says the registry does not answer (instead
/// of going blank or dying), and when a silo is back on the same ports the page shows the recovering transaction again.
/// </summary>
public sealed class OperatorHostOutageTests(WebSiloFixture browser) : IClassFixture<WebSiloFixture>, IAsyncLifetime
{
    private AzuriteInstance? _azurite;
    private IHost? _silo;
    private WebApplication? _operator;
    private string[] _siloArgs = [];
    private string _operatorUrl = "";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync();
        var ports = LoopbackPorts.Free(4);
        _siloArgs =
        [
            $"--Storage:ConnectionString={_azurite.ConnectionString}",
            $"--Orleans:SiloPort={ports[0]}",
            $"--Orleans:GatewayPort={ports[1]}",
            "--Web:Enabled=true",
            $"--Web:Port={ports[2]}",
            "--OrleansRecovery:RegistryReportInterval=00:00:00.200",
        ];
        _silo = await StartSiloAsync();

        string[] operatorArgs = [.. _siloArgs.Where(a => !a.StartsWith("--Web:Port=", StringComparison.Ordinal)),
            $"--Web:Port={ports[3]}", "--Web:RefreshInterval=00:00:00.300"];
        var (app, settings) = OperatorWebHost.Build("local", WebSiloFixture.ConfigDirectory(), operatorArgs);
        _operator = app;
        await _operator.StartAsync();
        _operatorUrl = settings.Web.Url;
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
        await _silo!.Services.GetRequiredService<IGrainFactory>().BeginRecoveryAsync(account, "before the outage");
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

    private async Task<IHost> StartSiloAsync()
    {
        var builder = SiloHostBuilder.CreateBuilder("local", WebSiloFixture.ConfigDirectory(), _siloArgs);
        var settings = SiloHostBuilder.Configure(builder, "local", WebSiloFixture.ConfigDirectory(), _siloArgs);
        var silo = SiloHostBuilder.Build(builder, settings);
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.StartAsync(start.Token);
        return silo;
    }

    private async Task StopSiloAsync()
    {
        if (_silo is null)
        {
            return;
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await _silo.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped as far as it could.
            }
        }

        _silo.Dispose();
        _silo = null;
    }
}
