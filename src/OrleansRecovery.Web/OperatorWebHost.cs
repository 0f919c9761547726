using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRecovery.Configuration;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Web;

/// <summary>
/// Builds the operators' web host: an Orleans client of the cluster <c>silo-config/</c> describes (Orleans' own keys: cluster id,
/// clustering, messaging limits; and <c>Orleans:Tls</c>), serving the Orleans Dashboard and the admin page where the <c>Web</c>
/// section says. Unlike a silo's own web host it keeps serving while silos restart; the dashboard's statistics need silos that
/// register the dashboard too (<c>Web:Enabled</c> on the silos).
/// </summary>
public static class OperatorWebHost
{
    /// <summary>Builds the host (not started) from <paramref name="args"/> (<c>--environment</c>, <c>--contentRoot</c>, <c>--Section:Key=value</c>).</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; each failure names its key.</exception>
    public static WebApplication Build(IReadOnlyList<string> args)
    {
        var (standard, root) = SiloConfigFiles.Resolve(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = standard, ContentRootPath = root });
        if (SiloConfigFiles.Problem(builder.Environment) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        SiloWebOptions.Register(builder.Services);
        builder.WebHost.UseUrls((builder.Configuration.GetSection(SiloWebOptions.SectionName).Get<SiloWebOptions>() ?? new()).Url);
        builder.Services.AddOrleansClient(SiloConfigFiles.ClientView(builder.Configuration), client =>
        {
            // Joined with the silos' keys, as recoveryctl and the demo join.
            client.Services.AddOptions<ClientMessagingOptions>().Bind(builder.Configuration.GetSection("Orleans:Messaging"));
            client.UseTransactionRecoveryTls(builder.Configuration, root);
            client.AddDashboard();

            // Started before the silos (compose) or while none is up: keep trying, and say so, rather than exit.
            client.UseConnectionRetryFilter<KeepTryingToConnect>();
        });

        var app = builder.Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        app.MapOperatorPages(app.Services.GetRequiredService<IOptions<SiloWebOptions>>().Value);
        return app;
    }
}
