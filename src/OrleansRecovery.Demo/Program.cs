using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Client;
using OrleansRecovery.Configuration;
using OrleansRecovery.Demo;

// The checked demo. Usage: OrleansRecovery.Demo [--environment Cluster|Compose] [--contentRoot DIR] [--accounts N] [--timeout SECONDS]
//   [--Orleans:Clustering:Gateways:0=127.0.0.1:30001 --Orleans:Tls:Enabled=true ... (any silo-config key)]
// It reads the silos' own files (silo-config/appsettings.json and appsettings.{Environment}.json), the environment and its command line.
// Exit codes: 0 every check held, 1 a check failed (the discrepancy is printed), 2 configuration or connection problem.
HostApplicationBuilder builder;
DemoSettings settings;
try
{
    var (standard, root) = SiloConfigFiles.Resolve(args);
    builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = standard, ContentRootPath = root });
    settings = SiloConfigFiles.Problem(builder.Environment) is { } problem
        ? throw new DemoConfigurationException(problem)
        : DemoSettings.Load(builder.Configuration);
}
catch (Exception ex) when (ex is DemoConfigurationException or DirectoryNotFoundException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"Demo configuration: {ex.Message}");
    return 2;
}

Console.WriteLine($"OrleansRecovery demo: environment {builder.Environment.EnvironmentName}, cluster {builder.Configuration["Orleans:ClusterId"]}, " +
    $"clustering {builder.Configuration["Orleans:Clustering:ProviderType"]}, {settings.Accounts} accounts, streams on queues " +
    $"{settings.QueuePrefix}-0..{settings.QueueCount - 1}{(TransactionTlsOptions.FromConfiguration(builder.Configuration) is null ? string.Empty : ", TLS")}");

builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectDeadline = DateTimeOffset.UtcNow + settings.Timeout;
try
{
    builder.Services.AddOrleansClient(SiloConfigFiles.ClientView(builder.Configuration), client =>
    {
        // Orleans joins from its own keys (cluster id, clustering); the messaging limits and TLS are the silos' too.
        client.Services.AddOptions<ClientMessagingOptions>().Bind(builder.Configuration.GetSection("Orleans:Messaging"));
        client.UseTransactionRecoveryTls(builder.Configuration, builder.Environment.ContentRootPath, tls =>
            // Orleans only reports that no gateway answered; a refused silo certificate is the likelier reason, so print it.
            tls.CertificateRefused = (certificate, errors) =>
                Console.WriteLine($"  (TLS: the silo's certificate '{certificate.Subject}' ({certificate.Thumbprint}) was refused: {errors}; " +
                    "check Orleans:Tls:TargetHost and Orleans:Tls:TrustedThumbprints)"));
        client.UseTransactionRecoveryStreams(settings.ConnectionString, settings.StreamProviderName, settings.QueuePrefix, settings.QueueCount);

        // The silo may still be starting (compose starts everything at once): keep trying until the deadline.
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            if (DateTimeOffset.UtcNow > connectDeadline)
            {
                return false;
            }

            Console.WriteLine($"  (no gateway yet: {exception.GetType().Name}; retrying)");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
    });
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Demo configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}

using var host = builder.Build();
try
{
    await host.StartAsync();
}
#pragma warning disable CA1031 // Any failure to connect ends the demo with a clear message and exit code 2.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"Could not connect to the cluster: {ex.GetType().Name}: {ex.Message}");
    return 2;
}

int exitCode;
try
{
    var demo = new LedgerDemo(host.Services.GetRequiredService<IClusterClient>(), settings);
    exitCode = await demo.RunAsync();
}
#pragma warning disable CA1031 // An unexpected failure is a failed check: print it and exit 1.
catch (Exception ex)
#pragma warning restore CA1031
{
    var message = ex.Message.Split('\n')[0].Trim();
    await Console.Error.WriteLineAsync($"FAILED: the demo stopped: {ex.GetType().Name}: {message}{Environment.NewLine}{ex.StackTrace}");
    exitCode = 1;
}

await host.StopAsync();
return exitCode;
