using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;

// The OrleansRecovery silo. Usage: OrleansRecovery.Silo [--profile local|cluster|compose] [--config-dir DIR] [--Section:Key=value ...]
// Exit codes: 0 stopped normally, 2 invalid configuration (the message names the setting), 1 failed to start or crashed.
try
{
    var profile = SiloHostBuilder.ResolveProfile(args);
    var configDirectory = SiloHostBuilder.ResolveConfigDirectoryArgument(args);
    // A web host when Web:Enabled (Orleans Dashboard + admin page), else a plain generic host.
    var builder = SiloHostBuilder.CreateBuilder(profile, configDirectory, args);
    // The default host logs to the console; Configure picks the format Logging:Format names (Simple or Json) and adds the metrics endpoint.
    var settings = SiloHostBuilder.Configure(builder, profile, configDirectory, args);

    using var host = SiloHostBuilder.Build(builder, settings);
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Silo");

    // Fail here, with every bad setting named, rather than halfway through the silo's start.
    var engine = host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value;
    SiloLog.Starting(logger, settings.Profile, settings.ConfigDirectory, settings.ClusterId, settings.ServiceId, settings.Clustering,
        settings.SiloPort, settings.GatewayPort, SiloHostBuilder.DescribeStorage(settings.ConnectionString));
    SiloLog.EngineOptions(logger, engine.StorageProviderName, engine.StreamProviderName, engine.DedupWindow, engine.MaxPendingEntries,
        engine.SegmentMaxEntries, engine.ReplayBatchSize, engine.RegistryReconcileInterval);
    SiloLog.Membership(logger, settings.Membership.Describe());
    SiloLog.Security(logger, settings.Tls is null ? "off" : "on", settings.Tls?.Certificate.Subject ?? "-",
        settings.Tls?.Certificate.Thumbprint ?? "-", settings.Tls is null ? "-" : settings.Tls.RequireClientCertificate ? "required" : "optional",
        settings.Messaging.MaxMessageBodySize, settings.Messaging.MaxMessageHeaderSize);
    SiloLog.Observability(logger, settings.Observability.LogFormat,
        settings.Observability.PrometheusEnabled ? settings.Observability.PrometheusEndpoint : "off");
    SiloLog.Web(logger, settings.Web.Enabled ? $"{settings.Web.Url}{settings.Web.AdminPath}/" : "off",
        settings.Web.Enabled ? $"{settings.Web.Url}{settings.Web.DashboardPath}/" : "off");
    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        SiloLog.Started(logger, settings.ClusterId, settings.GatewayPort));

    await host.RunAsync();
    return 0;
}
catch (SiloConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Invalid silo configuration:" +
        string.Concat(ex.Failures.Select(f => Environment.NewLine + "  - " + f)));
    return 2;
}
#pragma warning disable CA1031 // The host's last resort: report why the silo could not run, and exit non-zero.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"Silo failed: {ex}");
    return 1;
}
