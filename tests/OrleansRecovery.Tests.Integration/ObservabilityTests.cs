using OrleansRecovery.Ledger;
using OrleansRecovery.Silo;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Shared;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The Prometheus scrape endpoint switched on by silo-config (<c>Observability:Metrics:Prometheus:*</c>): a silo started through
/// the real host code (<see cref="SiloHost"/>, <c>silo-config/appsettings.json</c>, its own Azurite, free ports) answers a message and
/// serves the <c>OrleansRecovery</c> meter (and Orleans' own) at <c>http://127.0.0.1:PORT/metrics</c>.
/// </summary>
public sealed class ObservabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private AzuriteInstance? _azurite;
    private InProcessSilo? _silo;
    private int _metricsPort;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync();
        var ports = LoopbackPorts.Free(3);
        _metricsPort = ports[2];
        _silo = await InProcessSilo.StartAsync(null, InProcessSilo.RepositoryConfigDirectory(),
        [
            $"--ConnectionStrings:storage={_azurite.ConnectionString}",
            $"--Orleans:Endpoints:SiloPort={ports[0]}",
            $"--Orleans:Endpoints:GatewayPort={ports[1]}",
            "--Observability:Metrics:Prometheus:Enabled=true",
            $"--Observability:Metrics:Prometheus:Port={_metricsPort}",
        ]);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task EnabledEndpoint_ServesTheOrleansRecoveryMeter_InPrometheusFormat()
    {
        var grains = _silo!.Grains;
        Assert.Equal(SubmitOutcome.Processed, (await grains.SubmitAsync("metrics-account", LedgerMessages.Credit("c1", 5))).Outcome);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = $"http://127.0.0.1:{_metricsPort}/metrics";
        var text = await Eventually.WaitForAsync(() => http.GetStringAsync(new Uri(url)),
            t => t.Contains("orleansrecovery_messages_total{", StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            $"{url} shows orleansrecovery_messages_total");

        foreach (var line in text.Split('\n').Where(l => l.StartsWith("orleansrecovery_", StringComparison.Ordinal)
            || l.StartsWith("# TYPE orleansrecovery_", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        // Dots become underscores, counters get _total; the message's outcome and kind are labels.
        Assert.Contains("# TYPE orleansrecovery_messages_total counter", text, StringComparison.Ordinal);
        // Other clusters in this test process count into the same process-wide meter, so the Processed sample is at least 1.
        var sample = text.Split('\n').First(l => l.StartsWith("orleansrecovery_messages_total{", StringComparison.Ordinal)
            && l.Contains("outcome=\"Processed\"", StringComparison.Ordinal));
        Assert.Contains("kind=\"Normal\"", sample, StringComparison.Ordinal);
        Assert.True(long.Parse(sample[(sample.LastIndexOf('}') + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= 1, sample);
        Assert.Contains("orleansrecovery_storage_writes_total", text, StringComparison.Ordinal);

        // Orleans' own meter is exported too.
        Assert.Contains("\norleans_", text, StringComparison.Ordinal);
    }
}
