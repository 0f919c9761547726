using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Client;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;

// The OrleansRecovery silo. Usage: OrleansRecovery.Silo [--environment Cluster|Compose] [--contentRoot DIR] [--Section:Key=value ...]
// Configuration: silo-config/appsettings.json, appsettings.{Environment}.json, environment variables, the command line.
// Exit codes: 0 stopped normally, 2 invalid configuration, storage unreachable or refusing the key, or a port taken (one line
// naming the setting), 1 failed to start or crashed.
try
{
    var builder = SiloHost.CreateBuilder(args).ConfigureSilo();
    using var host = SiloHost.Build(builder);

    // Fail in one line, within seconds, where Orleans would fail deep in a stack trace (a port taken); before the options are
    // validated, since validating creates services (the metrics exporter) that listen already.
    if (ListenPorts.FindTaken(host.Services) is { } taken)
    {
        await Console.Error.WriteLineAsync(taken);
        return 2;
    }

    // Every option validated at start is checked here, before the storage, with each bad key named.
    host.Services.GetRequiredService<IStartupValidator>().Validate();
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Silo");
    var configuration = builder.Configuration;
    var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
    var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
    var accounts = SiloHost.StorageAccounts(configuration);
    SiloLog.Starting(logger, builder.Environment.EnvironmentName, builder.Environment.ContentRootPath, cluster.ClusterId, cluster.ServiceId,
        configuration["Orleans:Clustering:ProviderType"] ?? "(none)", endpoints.SiloPort, endpoints.GatewayPort, string.Join(", ", accounts.Select(a => a.Setting)));
    var engine = host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value;
    SiloLog.EngineOptions(logger, engine.StorageProviderName, engine.StreamProviderName, engine.DedupWindow, engine.MaxPendingEntries,
        engine.SegmentMaxEntries, engine.ReplayBatchSize, engine.RegistryReconcileInterval);
    SiloLog.Membership(logger, SiloMembershipOptionsValidator.Describe(host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value));
    var tls = TransactionTlsOptions.FromConfiguration(configuration);
    var messaging = host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
    SiloLog.Security(logger, tls is null ? "off" : "on", tls?.CertificatePath ?? tls?.StoreSubject ?? "-", "-",
        tls is null ? "-" : tls.RequireClientCertificate ? "required" : "optional", messaging.MaxMessageBodySize, messaging.MaxMessageHeaderSize);
    var metrics = host.Services.GetRequiredService<IOptions<SiloObservabilityOptions>>().Value;
    SiloLog.Observability(logger, configuration.GetValue(SiloObservabilityOptions.LogFormatKey, SiloLogFormat.Simple), metrics.Enabled ? metrics.Endpoint : "off");
    var web = host.Services.GetRequiredService<IOptions<SiloWebOptions>>().Value;
    SiloLog.Web(logger, web.Enabled ? $"{web.Url}{web.AdminPath}/" : "off", web.Enabled ? $"{web.Url}{web.DashboardPath}/" : "off");

    // Fail in one line, within seconds, where Orleans would retry forever (storage unreachable or refusing the key).
    foreach (var (setting, connectionString) in accounts)
    {
        var named = $"{setting} (environment {builder.Environment.EnvironmentName}; or the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)})";
        if (connectionString is null)
        {
            await Console.Error.WriteLineAsync($"{setting} is missing; the Orleans providers name it. Set it in {builder.Environment.ContentRootPath}/appsettings*.json " +
                $"or in the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}.");
            return 2;
        }

        if (await StorageProbe.ProbeAsync(connectionString, named) is { } unreachable)
        {
            await Console.Error.WriteLineAsync(unreachable);
            return 2;
        }
    }

    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        SiloLog.Started(logger, cluster.ClusterId, endpoints.GatewayPort));

    await host.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException || (ex is AggregateException all && all.InnerExceptions.All(e => e is OptionsValidationException)))
{
    // The start-up validator reports every invalid options type at once (an AggregateException when there are several).
    var failures = (ex is AggregateException a ? a.InnerExceptions : [ex]).OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct();
    await Console.Error.WriteLineAsync("Invalid silo configuration:" + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f)));
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or FormatException or DirectoryNotFoundException or ArgumentException or OrleansConfigurationException
                               && PortInUse(ex) is null)
{
    // The binder ("Failed to convert configuration value at 'Web:Port'…"), Orleans' provider configuration and the content root
    // name what is wrong in their first line; the stack trace would only hide it.
    await Console.Error.WriteLineAsync("Invalid silo configuration: " + string.Concat(
        new[] { ex, ex.InnerException }.OfType<Exception>().Select(e => e.Message.Split('\n')[0].Trim() + " ")).TrimEnd());
    return 2;
}
catch (Exception ex) when (PortInUse(ex) is { } inUse)
{
    // A port taken between the check above and the listener's start: still one line.
    await Console.Error.WriteLineAsync($"Port taken: {inUse}; check Orleans:Endpoints:SiloPort, Orleans:Endpoints:GatewayPort, Web:Port and Observability:Metrics:Prometheus:Port.");
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
