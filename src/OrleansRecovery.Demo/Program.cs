using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Demo;

// The checked demo. Usage: OrleansRecovery.Demo [--profile local|cluster|compose] [--config-dir DIR] [--accounts N] [--timeout SECONDS]
//   [--Orleans:Tls:Enabled=true --Orleans:Tls:CertificatePath=client.pfx --Orleans:Tls:TrustedThumbprints=... (any silo-config key)]
// Exit codes: 0 every check held, 1 a check failed (the discrepancy is printed), 2 configuration or connection problem.
DemoSettings settings;
try
{
    settings = DemoSettings.Load(args);
}
catch (DemoConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Demo configuration: {ex.Message}");
    return 2;
}

Console.WriteLine($"OrleansRecovery demo: profile {settings.Profile}, cluster {settings.Client.ClusterId}, " +
    (settings.Client.Gateway is { } gateway ? $"gateway {gateway}" : "gateways from the Azure membership table") +
    $", {settings.Accounts} accounts, streams on queues {settings.QueuePrefix}-0..{settings.QueueCount - 1}" +
    (settings.Client.Tls is null ? string.Empty : $", TLS (client certificate {settings.Client.Tls.Certificate?.Subject ?? "none"})"));

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectDeadline = DateTimeOffset.UtcNow + settings.Timeout;
builder.UseOrleansClient(client =>
{
    // Clustering, message size limits and TLS from the profile, as recoveryctl joins.
    settings.Client.ApplyTo(client, tls =>
    {
        // Orleans only reports that no gateway answered; a refused silo certificate is the likelier reason, so print it.
        tls.SiloCertificateRefused = (certificate, errors) =>
            Console.WriteLine($"  (TLS: the silo's certificate '{certificate.Subject}' ({certificate.Thumbprint}) was refused: {errors}; " +
                "check Orleans:Tls:TargetHost and Orleans:Tls:TrustedThumbprints)");
    });
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
