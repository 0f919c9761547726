using OrleansRecovery.Cli.Connection;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Tests.Shared;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// How recoveryctl reads the silos' own files (<c>silo-config/appsettings.json</c>, <c>appsettings.{Environment}.json</c>) with
/// Orleans' keys, and how its options override those keys; what it cannot use is a usage error naming the key and the option.
/// </summary>
public sealed class ClusterSettingsTests
{
    private static ClusterSettings Load(string? environment = null, string? gateway = null, string? clusterId = null, string? connectionString = null) =>
        ClusterSettings.Load(new ConnectionRequest
        {
            Environment = environment ?? "Production",
            ConfigDirectory = InProcessSilo.RepositoryConfigDirectory(),
            Gateway = gateway,
            ClusterId = clusterId,
            ConnectionString = connectionString,
        });

    [Fact]
    public void TheSharedFile_GivesTheLoopbackGateway_TheClusterId_AndTheSilosMessageLimits()
    {
        var settings = Load();

        Assert.Equal("local", settings.ClusterId);
        Assert.Equal("127.0.0.1:30000", settings.Configuration["Orleans:Clustering:Gateways:0"]);
        Assert.Equal("41943040", settings.Configuration["Orleans:Messaging:MaxMessageBodySize"]);
        Assert.Null(settings.Tls);
        Assert.StartsWith("gateway 127.0.0.1:30000 (environment Production, cluster id local)", settings.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OverrideTheirKeys()
    {
        var settings = Load("Cluster", gateway: "127.0.0.1:30123", clusterId: "other");

        Assert.Equal("other", settings.ClusterId);
        Assert.Equal("Static", settings.Configuration["Orleans:Clustering:ProviderType"]);
        Assert.Equal("127.0.0.1:30123", settings.Configuration["Orleans:Clustering:Gateways:0"]);
        Assert.Equal("", settings.Configuration["Orleans:Clustering:ConnectionName"]);
    }

    [Fact]
    public void TheClusterEnvironment_WithoutAConnectionString_FailsNamingTheKeyTheVariableAndTheOption()
    {
        var ex = Assert.Throws<CommandFailedException>(() => Load("Cluster"));

        Assert.Contains("ConnectionStrings:storage (--connection-string) is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__storage", ex.Message, StringComparison.Ordinal);
        Assert.Equal("cluster", Load("Cluster", connectionString: "UseDevelopmentStorage=true").ClusterId);
    }

    [Fact]
    public void AnUnknownEnvironment_FailsNamingTheFileAndTheKnownOnes()
    {
        var ex = Assert.Throws<CommandFailedException>(() => Load("Clsuter"));

        Assert.Contains("appsettings.Clsuter.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Environments: Cluster, Compose.", ex.Message, StringComparison.Ordinal);
    }
}
