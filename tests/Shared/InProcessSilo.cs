using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Shared;

/// <summary>
/// A silo started inside the test process through the real host code, exactly as <c>OrleansRecovery.Silo</c>'s Program does
/// (<see cref="SiloHostBuilder.CreateBuilder"/>, <see cref="SiloHostBuilder.Configure"/>, <see cref="SiloHostBuilder.Build"/>):
/// a profile from <c>silo-config/</c>, overridden by command-line style arguments (storage, ports, features under test).
/// Shared as source by the test projects that start silos this way.
/// </summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private InProcessSilo(IHost host, SiloSettings settings)
    {
        Host = host;
        Settings = settings;
    }

    /// <summary>The running host.</summary>
    public IHost Host { get; }

    /// <summary>The validated settings it runs with (ports, web address, TLS…).</summary>
    public SiloSettings Settings { get; }

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

    /// <summary>Builds and starts a silo (within 60 s) from <paramref name="profile"/> in <paramref name="configDirectory"/>.</summary>
    public static async Task<InProcessSilo> StartAsync(string profile, string configDirectory, IReadOnlyList<string> args)
    {
        var builder = SiloHostBuilder.CreateBuilder(profile, configDirectory, args);
        var settings = SiloHostBuilder.Configure(builder, profile, configDirectory, args);
        var host = SiloHostBuilder.Build(builder, settings);
        try
        {
            using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(start.Token);
            return new InProcessSilo(host, settings);
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
