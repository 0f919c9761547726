using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Web;

/// <summary>
/// Builds the operators' web host: an Orleans client of the cluster a silo-config profile describes (clustering, storage, TLS),
/// serving the Orleans Dashboard and the admin page on <c>Web:Host</c>/<c>Web:Port</c> at <c>Web:DashboardPath</c> and
/// <c>Web:AdminPath</c>. Unlike a silo's own web host it keeps serving while silos restart; the dashboard's statistics need
/// silos that register the dashboard too (<c>Web:Enabled</c> on the silos).
/// </summary>
public static class OperatorWebHost
{
    /// <summary>Reads and validates the profile, and builds the host (not started).</summary>
    /// <param name="profile">The profile (see <see cref="SiloHostBuilder.ResolveProfile"/>).</param>
    /// <param name="configDirectory">The configuration directory, or null to search for it.</param>
    /// <param name="args">The command line, layered over the profile (e.g. <c>--Web:Port=8081</c>).</param>
    /// <exception cref="SiloConfigurationException">A setting is invalid; the message names it.</exception>
    public static (WebApplication App, SiloSettings Settings) Build(string profile, string? configDirectory, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var dir = SiloHostBuilder.FindConfigDirectory(configDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args] });
        builder.Configuration.AddSiloConfiguration(dir, profile, args);
        var settings = SiloHostBuilder.Validate(builder.Configuration, profile, dir);
        builder.WebHost.UseUrls(settings.Web.Url);

        try
        {
            builder.UseOrleansClient(client =>
            {
                // Joined the way recoveryctl and the demo join: clustering, message size limits and TLS from the profile.
                settings.ToClientSettings().ApplyTo(client);
                client.AddDashboard();

                // Started before the silos (compose) or while none is up: keep trying, and say so, rather than exit.
                client.UseConnectionRetryFilter<KeepTryingToConnect>();
            });
        }
        catch (OptionsValidationException ex)
        {
            // The profile's TLS settings do not make a usable client (e.g. neither TargetHost nor TrustedThumbprints is set).
            settings.Tls?.Certificate.Dispose();
            throw new SiloConfigurationException([.. ex.Failures]);
        }

        var app = builder.Build();
        app.MapOperatorPages(settings.Web);
        return (app, settings);
    }
}
