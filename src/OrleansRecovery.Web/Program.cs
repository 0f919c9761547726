using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Silo;
using OrleansRecovery.Web;

// The operators' web host: the Orleans Dashboard and the OrleansRecovery admin page, as an Orleans client of the cluster.
// Usage: OrleansRecovery.Web [--profile local|cluster|compose] [--config-dir DIR] [--Section:Key=value ...]
// It reads the same silo-config/ profile as the silos (Web:Host, Web:Port, Web:AdminPath, Web:DashboardPath; Web:Enabled is
// for silos). Exit codes: 0 stopped normally, 2 invalid configuration (the message names the setting), 1 failed.
try
{
    var profile = SiloHostBuilder.ResolveProfile(args);
    var (app, settings) = OperatorWebHost.Build(profile, SiloHostBuilder.ResolveConfigDirectoryArgument(args), args);
    await using (app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Web");
        app.Lifetime.ApplicationStarted.Register(() => WebLog.Started(logger, settings.Profile, settings.ClusterId,
            $"{settings.Web.Url}{settings.Web.AdminPath}/", $"{settings.Web.Url}{settings.Web.DashboardPath}/"));
        await app.RunAsync();
    }

    return 0;
}
catch (SiloConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
#pragma warning disable CA1031 // The host's last resort: report why it could not run, and exit non-zero.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"Web host failed: {ex}");
    return 1;
}
