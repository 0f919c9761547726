using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using OrleansRecovery.Admin;
using OrleansRecovery.Ledger;
using OrleansRecovery.Logic;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Browser.Operators;

/// <summary>
/// A TestCluster on its own Azurite running the ledger plus a poison message type, and two web hosts serving the admin page
/// from the cluster's client: one with an operator policy (users in the <c>operator</c> role, signed in by a test header) and
/// one without (read-only). One headless Chromium drives both.
/// </summary>
public sealed class OperatorPageFixture : IAsyncLifetime
{
    public const string Policy = "operators";

    private IPlaywright? _playwright;
    private WebApplication? _operatorHost;
    private WebApplication? _readOnlyHost;

    public TransactionTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The host whose admin page has <see cref="TransactionAdminOptions.OperatorPolicy"/> set.</summary>
    public string OperatorUrl { get; private set; } = "";

    /// <summary>The host whose admin page has no operator policy.</summary>
    public string ReadOnlyUrl { get; private set; } = "";

    /// <summary>What the operator host logged.</summary>
    public CapturedLog OperatorLog { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(WebSiloFixture.ChromiumVariable) is { Length: > 0 } named ? named : WebSiloFixture.DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at '{chromium}'. scripts/test.sh installs it; or set {WebSiloFixture.ChromiumVariable}.");
        }

        Cluster = await TransactionTestCluster.StartWithAzuriteAsync<PoisonableLedgerLogic>(o =>
        {
            o.SiloCount = 1;
            o.ConfigureRecovery = r => r.RegistryReportInterval = TimeSpan.FromMilliseconds(200);
        });
        var ports = LoopbackPorts.Free(2);
        (_operatorHost, OperatorUrl) = await StartHostAsync(ports[0], Policy, OperatorLog);
        (_readOnlyHost, ReadOnlyUrl) = await StartHostAsync(ports[1], policy: null, log: null);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A web host like an application's own: its sign-in, its policy, and the admin page mapped with or without it.</summary>
    private async Task<(WebApplication App, string Url)> StartHostAsync(int port, string? policy, CapturedLog? log)
    {
        var url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.Services.AddSingleton<IGrainFactory>(Client);
        builder.Services.AddAuthentication(HeaderOperatorAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderOperatorAuthentication>(HeaderOperatorAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole(HeaderOperatorAuthentication.OperatorRole)));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTransactionRecoveryAdmin("/admin", o =>
        {
            o.OperatorPolicy = policy;
            o.RefreshInterval = TimeSpan.FromMilliseconds(300);
        });
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(start.Token);
        return (app, url);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        foreach (var host in new[] { _operatorHost, _readOnlyHost })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>The reference ledger plus a normal message type, <see cref="Explode"/>, whose logic always throws (a poison message).</summary>
public sealed class PoisonableLedgerLogic : ITransactionLogic
{
    public const string Explode = "explode";

    private readonly ITransactionLogic _ledger = new LedgerLogic();

    public object? CreateInitialData(string transactionId) => _ledger.CreateInitialData(transactionId);

    public NormalDecision ApplyNormal(object? data, TransactionMessage message) =>
        message?.Type == Explode ? throw new InvalidOperationException("Ledger bug: cannot apply 'explode'.") : _ledger.ApplyNormal(data, message!);

    public RecoveryDecision ApplyRecovery(object? data, TransactionMessage message, RecoveryInfo recovery) =>
        _ledger.ApplyRecovery(data, message, recovery);

    public string? RecoveryScopeOf(string transactionId, object? data) => _ledger.RecoveryScopeOf(transactionId, data);
}
