using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using OrleansRecovery.Configuration;
using OrleansRecovery.Ledger;

namespace OrleansRecovery.Silo;

/// <summary>
/// The OrleansRecovery silo host: a standard host whose content root is <c>silo-config/</c> (so <c>appsettings.json</c>, then
/// <c>appsettings.{Environment}.json</c>, environment variables and the command line), <c>UseOrleans</c> configured by Orleans'
/// own keys (<c>Orleans:ClusterId</c>, <c>Orleans:Endpoints</c>, <c>Orleans:Clustering</c>, <c>Orleans:GrainStorage</c>,
/// <c>Orleans:Reminders</c>, <c>Orleans:Streaming</c>, <c>ConnectionStrings</c>) and <c>AddTransactionRecovery&lt;LedgerLogic&gt;()</c>
/// as an application team's host is; plus what this host adds, bound with the options pattern and validated at start:
/// <c>Orleans:Tls</c>, <c>Web</c>, <c>Observability:Metrics:Prometheus</c> and <c>Logging:Format</c>.
/// </summary>
public static class SiloHost
{
    /// <summary>
    /// The host builder: a <see cref="WebApplicationBuilder"/> when <c>Web:Enabled</c> is true (dashboard and admin page), else a
    /// <see cref="HostApplicationBuilder"/>; either with <c>silo-config/</c> as content root (or <c>--contentRoot</c>).
    /// <c>--profile</c> is accepted for <c>--environment</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The environment has no file, or <c>Web:Enabled</c> is not a boolean; the message says which.</exception>
    public static IHostApplicationBuilder CreateBuilder(IReadOnlyList<string> args)
    {
        var (standard, root) = SiloConfigFiles.Resolve(args);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = standard, ContentRootPath = root });
        if (SiloConfigFiles.Problem(builder.Environment) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return builder.Configuration.GetValue<bool>($"{SiloWebOptions.SectionName}:Enabled")
            ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = standard, ContentRootPath = root })
            : builder;
    }

    /// <summary>Adds the silo, the engine with <see cref="LedgerLogic"/>, TLS, and the web host and metrics when enabled.</summary>
    /// <exception cref="OptionsValidationException">A provider section or the TLS section is invalid; each failure names its key.</exception>
    public static IHostApplicationBuilder ConfigureSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        SiloWebOptions.Register(builder.Services);
        builder.Services.AddOptions<SiloObservabilityOptions>().BindConfiguration(SiloObservabilityOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloObservabilityOptions>, SiloObservabilityOptionsValidator>();

        // Read now as well: they decide what is registered (the metrics exporter, Kestrel's address, the dashboard).
        var web = configuration.GetSection(SiloWebOptions.SectionName).Get<SiloWebOptions>() ?? new();
        var metrics = configuration.GetSection(SiloObservabilityOptions.SectionName).Get<SiloObservabilityOptions>() ?? new();
        SiloObservabilityOptions.ApplyTo(builder, metrics, configuration.GetValue(SiloObservabilityOptions.LogFormatKey, SiloLogFormat.Simple));
        if (web.Enabled)
        {
            var webBuilder = builder as WebApplicationBuilder ?? throw new InvalidOperationException(
                $"{SiloWebOptions.SectionName}:Enabled is true, but the silo is being built on a host without a web server; " +
                $"create the builder with {nameof(SiloHost)}.{nameof(CreateBuilder)} or set {SiloWebOptions.SectionName}:Enabled=false.");
            webBuilder.WebHost.UseUrls(web.Url);
        }

        builder.UseOrleans(silo =>
        {
            // Bound here with their validators, so that a value the product cannot work with stops the start naming its key;
            // an unknown membership key is refused rather than silently ignored.
            silo.Services.AddOptions<ClusterMembershipOptions>()
                .Bind(configuration.GetSection(SiloMembershipOptionsValidator.SectionName), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
            silo.Services.AddSingleton<IValidateOptions<ClusterMembershipOptions>, SiloMembershipOptionsValidator>();
            silo.Services.AddOptions<SiloMessagingOptions>().Bind(configuration.GetSection(SiloMessagingLimits.SectionName)).ValidateOnStart();
            // Orleans binds no Orleans:GrainCollection section itself; idle activations' age is an operator's setting.
            silo.Services.AddOptions<GrainCollectionOptions>()
                .Bind(configuration.GetSection("Orleans:GrainCollection"), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
            silo.Services.AddSingleton<IValidateOptions<SiloMessagingOptions>, SiloMessagingLimitsValidator>();

            // Development clustering without a primary silo: this silo is the primary, as UseLocalhostClustering makes it.
            silo.Services.AddOptions<DevelopmentClusterMembershipOptions>().PostConfigure<IOptions<EndpointOptions>>((o, endpoints) =>
                o.PrimarySiloEndpoint ??= new IPEndPoint(endpoints.Value.AdvertisedIPAddress ?? IPAddress.Loopback, endpoints.Value.SiloPort));
            silo.UseTransactionRecoveryTls(configuration, builder.Environment.ContentRootPath);
            if (web.Enabled)
            {
                silo.AddDashboard();
            }

            silo.AddTransactionRecovery<LedgerLogic>();
        });
        return builder;
    }

    /// <summary>Builds the host; on a web host, maps the Orleans Dashboard, the admin page and <c>/</c> (see <see cref="SiloWebEndpoints"/>).</summary>
    public static IHost Build(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder is WebApplicationBuilder web)
        {
            var app = web.Build();
            app.MapOperatorPages(app.Services.GetRequiredService<IOptions<SiloWebOptions>>().Value);
            return app;
        }

        return ((HostApplicationBuilder)builder).Build();
    }

    /// <summary>
    /// The storage accounts the configured Orleans providers name, each with the key its connection string comes from
    /// (<c>ConnectionStrings:{ConnectionName}</c>, or a section's own <c>ConnectionString</c>), the connection string being null
    /// when that key is not set; account URIs (managed identity) are left out.
    /// </summary>
    public static IReadOnlyList<(string Setting, string? ConnectionString)> StorageAccounts(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sections = new[] { configuration.GetSection("Orleans:Clustering"), configuration.GetSection("Orleans:Reminders") }
            .Concat(configuration.GetSection("Orleans:GrainStorage").GetChildren())
            .Concat(configuration.GetSection("Orleans:Streaming").GetChildren());
        var accounts = new List<(string Setting, string? ConnectionString)>();
        foreach (var section in sections)
        {
            var (setting, value) = section["ConnectionName"] is { Length: > 0 } name
                ? ($"ConnectionStrings:{name}", configuration.GetConnectionString(name))
                : ($"{section.Path}:ConnectionString", section["ConnectionString"]);
            if ((section["ConnectionName"] is { Length: > 0 } || !string.IsNullOrWhiteSpace(value))
                && !Uri.IsWellFormedUriString(value, UriKind.Absolute) && accounts.TrueForAll(a => a.Setting != setting))
            {
                accounts.Add((setting, string.IsNullOrWhiteSpace(value) ? null : value));
            }
        }

        return accounts;
    }
}
