using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Silo;
using OrleansRecovery.Web;

// The operators' web host: the Orleans Dashboard and the OrleansRecovery admin page, as an Orleans client of the cluster.
// Usage: OrleansRecovery.Web [--environment Cluster|Compose] [--contentRoot DIR] [--Section:Key=value ...]
// It reads the silos' silo-config/ files (Web:Host, Web:Port, Web:AdminPath, Web:DashboardPath; Web:Enabled is for silos).
// Exit codes: 0 stopped normally, 2 invalid configuration (the message names the setting), 1 failed.
try
{
    await using var app = OperatorWebHost.Build(args);
    var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Web");
    var web = app.Services.GetRequiredService<IOptions<SiloWebOptions>>().Value;
    var cluster = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
    app.Lifetime.ApplicationStarted.Register(() => WebLog.Started(logger, app.Environment.EnvironmentName, cluster.ClusterId,
        $"{web.Url}{web.AdminPath}/", $"{web.Url}{web.DashboardPath}/"));
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Invalid configuration:" + string.Concat(ex.Failures.Select(f => Environment.NewLine + "  - " + f)));
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or DirectoryNotFoundException or ArgumentException)
{
    await Console.Error.WriteLineAsync("Invalid configuration: " + ex.Message.Split('\n')[0].Trim());
    return 2;
}
#pragma warning disable CA1031 // The host's last resort: report why it could not run, and exit non-zero.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"Web host failed: {ex}");
    return 1;
}
