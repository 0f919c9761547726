using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Shared;

/// <summary>
/// A silo started inside the test process through the real host code, exactly as <c>OrleansRecovery.Silo</c>'s Program does
/// (<see cref="SiloHost.CreateBuilder"/>, <see cref="SiloHost.ConfigureSilo"/>, <see cref="SiloHost.Build"/>): the files of
/// <c>silo-config/</c> for an environment, overridden by command-line style arguments (storage, ports, features under test).
/// Shared as source by the test projects that start silos this way.
/// </summary>
/// <remarks>
/// One difference from the real process: a fatal error (this silo declared dead by the others, typically when a busy machine
/// delays its probes) stops this silo's host instead of ending the process, which here is the whole test run. Orleans'
/// TestCluster does the same for its silos.
/// </remarks>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private InProcessSilo(IHost host) => Host = host;

    /// <summary>The running host.</summary>
    public IHost Host { get; }

    /// <summary>The web host's options it runs with (address, paths).</summary>
    public SiloWebOptions Web => Host.Services.GetRequiredService<IOptions<SiloWebOptions>>().Value;

    /// <summary>The silo's grain factory.</summary>
    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The repository's <c>silo-config/</c>, found upwards from the test's output directory.</summary>
    public static string RepositoryConfigDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "silo-config", "appsettings.json")))
            {
                return Path.Combine(dir.FullName, "silo-config");
            }
        }

        throw new DirectoryNotFoundException("silo-config/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Builds and starts a silo (within 60 s) from <paramref name="configDirectory"/>'s <c>appsettings.json</c> and, when
    /// <paramref name="environment"/> is given, <c>appsettings.{environment}.json</c>.
    /// </summary>
    public static async Task<InProcessSilo> StartAsync(string? environment, string configDirectory, IReadOnlyList<string> args)
    {
        string[] all = [.. args, "--contentRoot", configDirectory, "--environment", environment ?? Environments.Production];
        var builder = SiloHost.CreateBuilder(all).ConfigureSilo();
        builder.Services.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler, StopHostOnFatalError>());
        var host = SiloHost.Build(builder);
        try
        {
            using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(start.Token);
            return new InProcessSilo(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops the silo (waiting at most 20 s for a graceful stop) and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await Host.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped as far as it could; the process ends with the test run.
            }
        }

        Host.Dispose();
    }
}

/// <summary>Stops the silo's own host on a fatal error (see <see cref="InProcessSilo"/>), leaving the test process running.</summary>
internal sealed class StopHostOnFatalError(IHostApplicationLifetime lifetime, ILogger<StopHostOnFatalError> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        logger.LogError(exception, "Fatal error from {Sender}: {Context}. This in-process test silo stops; the test process goes on.",
            sender, context);
        lifetime.StopApplication();
    }
}
