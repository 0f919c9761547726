using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;

// The OrleansRecovery silo. Usage: OrleansRecovery.Silo [--profile local|cluster|compose] [--config-dir DIR] [--Section:Key=value ...]
// Exit codes: 0 stopped normally, 2 invalid configuration, storage unreachable or refusing the key, or a port taken (one line
// naming the setting), 1 failed to start or crashed.
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
    // Fail in one line, within seconds, where Orleans would retry forever (storage) or fail deep in a stack trace (ports).
    if (ListenPorts.FindTaken(host.Services, settings) is { } taken)
    {
        await Console.Error.WriteLineAsync(taken);
        return 2;
    }

    var storageSetting = $"{SiloSettings.ConnectionStringKey} (profile {settings.Profile}; or the environment variable {SiloSettings.ConnectionStringEnvironmentVariable})";
    if (await StorageProbe.ProbeAsync(settings.ConnectionString, storageSetting) is { } unreachable)
    {
        await Console.Error.WriteLineAsync(unreachable);
        return 2;
    }

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
catch (Exception ex) when (PortInUse(ex) is { } inUse)
{
    // A port taken between the check above and the listener's start: still one line.
    await Console.Error.WriteLineAsync($"Port taken: {inUse}; check Orleans:SiloPort, Orleans:GatewayPort, Web:Port and Observability:Metrics:Prometheus:Port.");
    return 2;
}
#pragma warning disable CA1031 // The host's last resort: report why the silo could not run, and exit non-zero.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"Silo failed: {ex}");
    return 1;
}

static string? PortInUse(Exception exception)
{
    for (Exception? e = exception; e is not null; e = e.InnerException)
    {
        if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
            || (e is IOException && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
        {
            return e.Message.Split('\n', 2)[0].Trim();
        }
    }

    return null;
}
