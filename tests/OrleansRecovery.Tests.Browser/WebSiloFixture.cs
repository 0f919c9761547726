using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Shared;
using OrleansRecovery.Web;

namespace OrleansRecovery.Tests.Browser;

/// <summary>
/// One silo started through the real host code (profile <c>local</c>, <c>Web:Enabled</c>) on its own in-memory Azurite and free
/// loopback ports, the stand-alone operators' web host connected to it as a client, and one headless Chromium driven by
/// Playwright. The registry reports every 200 ms and the page refreshes every 300 ms, so what the tests wait for shows up quickly.
/// </summary>
public sealed class WebSiloFixture : IAsyncLifetime
{
    /// <summary>Where the browser is looked for unless <see cref="ChromiumVariable"/> names another.</summary>
    public const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>The environment variable naming a Chromium (or Chrome) executable.</summary>
    public const string ChromiumVariable = "ORLEANSRECOVERY_CHROMIUM";

    private AzuriteInstance? _azurite;
    private InProcessSilo? _silo;
    private IPlaywright? _playwright;
    private WebApplication? _operatorHost;

    /// <summary>The silo's web host, e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The stand-alone operators' web host (<c>OrleansRecovery.Web</c>, an Orleans client of the silo), e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public string OperatorUrl { get; private set; } = "";

    /// <summary>The silo's grain factory.</summary>
    public IGrainFactory Grains => _silo!.Grains;

    /// <summary>The browser every test opens its pages in.</summary>
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } named ? named : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"No Chromium at '{chromium}'. scripts/test.sh installs Debian's chromium package; or set {ChromiumVariable} to a Chromium executable.");
        }

        _azurite = await AzuriteInstance.StartAsync();
        var ports = LoopbackPorts.Free(4);
        var args = SiloArguments(_azurite.ConnectionString, ports);
        _silo = await InProcessSilo.StartAsync(null, InProcessSilo.RepositoryConfigDirectory(), args);
        BaseUrl = _silo.Web.Url;

        // The operators' web host as a client of that silo (same profile, same gateway), on a port of its own.
        (_operatorHost, var operatorSettings) = await StartOperatorHostAsync(args, ports[3]);
        OperatorUrl = operatorSettings.Url;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // This machine's network is closed: without these, Chromium keeps trying to reach Google's services.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>
    /// The overrides of <c>silo-config/appsettings.json</c> for a web-enabled silo on <paramref name="ports"/> (silo, gateway, web; a fourth is
    /// left for an operators' web host), refreshing fast enough for the tests' waits.
    /// </summary>
    public static string[] SiloArguments(string connectionString, IReadOnlyList<int> ports) =>
    [
        $"--ConnectionStrings:storage={connectionString}",
        $"--Orleans:Endpoints:SiloPort={ports[0]}",
        $"--Orleans:Endpoints:GatewayPort={ports[1]}",
        $"--Orleans:Clustering:Gateways:0=127.0.0.1:{ports[1]}",
        "--Web:Enabled=true",
        $"--Web:Port={ports[2]}",
        "--Web:RefreshInterval=00:00:00.300",
        "--OrleansRecovery:RegistryReportInterval=00:00:00.200",
    ];

    /// <summary>Starts <c>OrleansRecovery.Web</c> with a silo's arguments, but listening on <paramref name="port"/>.</summary>
    public static async Task<(WebApplication App, Silo.SiloWebOptions Settings)> StartOperatorHostAsync(IEnumerable<string> siloArgs, int port)
    {
        string[] args = [.. siloArgs.Where(a => !a.StartsWith("--Web:Port=", StringComparison.Ordinal)), $"--Web:Port={port}"];
        var app = OperatorWebHost.Build([.. args, "--contentRoot", InProcessSilo.RepositoryConfigDirectory()]);
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(start.Token);
        return (app, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Silo.SiloWebOptions>>().Value);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_operatorHost is not null)
        {
            await _operatorHost.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
