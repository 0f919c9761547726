using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>
/// Azurite (on disk, never killed) + N silo processes with Azure Table clustering + an Orleans client in this process.
/// Everything it starts is killed on dispose, and on process exit if the test host goes down first.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly Action<string> _log;
    private AzuriteInstance? _azurite;
    private IHost? _client;
    private EventHandler? _onExit;
    private string? _siloDll;
    private Dictionary<string, string>? _environment;
    private bool _siloMetrics;

    private ChaosCluster(Action<string> log, string workDirectory)
    {
        _log = log;
        WorkDirectory = workDirectory;
    }

    public string WorkDirectory { get; }

    /// <summary>Set when the run passed: the work directory (Azurite data, silo logs) is deleted on dispose; else it is kept.</summary>
    public bool DeleteWorkDirectory { get; set; }

    public string ClusterId { get; } = "chaos-" + Guid.NewGuid().ToString("N")[..8];

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("Not started.");

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Not started.");

    public static async Task<ChaosCluster> StartAsync(ChaosSettings settings, Action<string> log)
    {
        var work = Path.Combine(Path.GetTempPath(), "orleansrecovery-chaos-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var cluster = new ChaosCluster(log, work);
        try
        {
            await cluster.StartCoreAsync(settings);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(ChaosSettings settings)
    {
        var killAll = () =>
        {
            foreach (var silo in _silos.ToList())
            {
                silo.KillAsync().GetAwaiter().GetResult();
            }
        };
        _onExit = (_, _) => killAll();
        AppDomain.CurrentDomain.ProcessExit += _onExit;

        // On disk: Azure Queue receive/delete stay fast with depth (see ENVIRONMENT.md). Azurite is never killed in this test.
        _azurite = await AzuriteInstance.StartAsync(new AzuriteOptions { Location = Path.Combine(WorkDirectory, "azurite") });
        _log($"azurite: pid {_azurite.ProcessId}, ports {_azurite.BlobPort}/{_azurite.QueuePort}/{_azurite.TablePort}, data {WorkDirectory}/azurite");

        var siloDll = BuildOutputs.SiloDll();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__storage"] = _azurite.ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__Streaming__TransactionStreams__MessageVisibilityTimeout"] = settings.QueueVisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
            // Three silos, Azurite and the test share the machine's cores: workstation GC keeps each silo small.
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_ENVIRONMENT"] = "Cluster",
        };
        foreach (var (key, value) in settings.SiloEnvironment)
        {
            environment[key] = value;
        }

        _siloDll = siloDll;
        _environment = environment;
        _siloMetrics = settings.SiloMetrics;
        AddSilos(settings.Silos);
        await Task.WhenAll(_silos.Select(s => s.StartAsync(TimeSpan.FromSeconds(60))));
        _log($"silos: {string.Join(", ", _silos.Select(s => $"#{s.Index} pid {s.ProcessId} silo {s.SiloPort} gateway {s.GatewayPort}"))} ({siloDll})");

        _client = BuildClient(_azurite.ConnectionString);
        await _client.StartAsync();
        await WaitForActiveSilosAsync(settings.Silos, TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILLs every running silo at once.</summary>
    public Task KillAllAsync() => Task.WhenAll(_silos.Select(s => s.KillAsync()));

    /// <summary>
    /// Starts <paramref name="count"/> new silo processes on new ports (as containers that come back on new addresses would), and
    /// waits only until each listens on its silo port: Orleans opens the gateway once the silo is active, which is what callers measure.
    /// </summary>
    public async Task<IReadOnlyList<SiloProcess>> StartFreshSilosAsync(int count, TimeSpan timeout)
    {
        var fresh = AddSilos(count);
        await Task.WhenAll(fresh.Select(s => s.StartAsync(timeout, waitForGateway: false)));
        _log($"fresh silos: {string.Join(", ", fresh.Select(s => $"#{s.Index} pid {s.ProcessId} silo {s.SiloPort} gateway {s.GatewayPort}"))}");
        return fresh;
    }

    private List<SiloProcess> AddSilos(int count)
    {
        var ports = LoopbackPorts.Free(count * 3);
        var added = new List<SiloProcess>();
        for (var i = 0; i < count; i++)
        {
            var silo = new SiloProcess(_silos.Count, _siloDll!, ports[3 * i], ports[(3 * i) + 1], _environment!, WorkDirectory,
                _siloMetrics ? ports[(3 * i) + 2] : null);
            _silos.Add(silo);
            added.Add(silo);
        }

        return added;
    }

    /// <summary>Waits until the membership table shows exactly <paramref name="count"/> active silos (older generations dead).</summary>
    public async Task<TimeSpan> WaitForActiveSilosAsync(int count, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var management = Client.GetGrain<IManagementGrain>(0);
        await Eventually.WaitUntilAsync(async () =>
        {
            var hosts = await management.GetHosts(onlyActive: true);
            return hosts.Count == count;
        }, timeout, $"{count} silos are active in the membership table");
        return clock.Elapsed;
    }

    private IHost BuildClient(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        var connectDeadline = DateTimeOffset.UtcNow.AddSeconds(60);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = "orleansrecovery";
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            // A call whose silo died is answered with an error by its gateway or times out here, then retried.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
            client.UseTransactionRecoveryStreams(connectionString);
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (DateTimeOffset.UtcNow > connectDeadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                return true;
            });
        });
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.StopAsync(stop.Token);
            }
#pragma warning disable CA1031 // Best effort: the silos are being killed anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_onExit is not null)
        {
            AppDomain.CurrentDomain.ProcessExit -= _onExit;
        }

        if (DeleteWorkDirectory)
        {
            try
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
