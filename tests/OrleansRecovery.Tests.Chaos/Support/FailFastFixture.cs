using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>A real Azurite and one real silo process (environment <c>Cluster</c>, its own cluster id) for <see cref="FailFastTests"/>.</summary>
#pragma warning disable CA1001 // xunit disposes a fixture through IAsyncLifetime.DisposeAsync, which disposes the silo.
public sealed class FailFastFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    /// <summary>The running silo's cluster id.</summary>
    public const string ClusterId = "failfast";

    private readonly string _logDirectory = Path.Combine(Path.GetTempPath(), "orq-failfast-" + Guid.NewGuid().ToString("N")[..10]);
    private AzuriteInstance? _azurite;
    private SiloProcess? _silo;

    internal AzuriteInstance Azurite => _azurite ?? throw new InvalidOperationException("The fixture is not started.");

    internal SiloProcess Silo => _silo ?? throw new InvalidOperationException("The fixture is not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_logDirectory);
        _azurite = await AzuriteInstance.StartAsync();
        var ports = LoopbackPorts.Free(2);
        _silo = new SiloProcess(0, BuildOutputs.SiloDll(), ports[0], ports[1], new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__storage"] = _azurite.ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["DOTNET_gcServer"] = "0",
        }, _logDirectory);
        await _silo.StartAsync(TimeSpan.FromSeconds(60));
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
}
