using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Client;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// <see cref="SiloConfigDirectory"/> and <see cref="ClusterClientSettings"/>: how recoveryctl, the demo and the operators' web host
/// find silo-config, load a profile and join the cluster it describes.
/// </summary>
public sealed class ClientConfigurationTests
{
    private static SiloConfigDirectory Directory => SiloConfigDirectory.Find(SiloConfigFiles.ConfigDirectory);

    [Fact]
    public void Find_AnExplicitDirectory_IsUsed_AndListsItsProfiles()
    {
        Assert.Equal(SiloConfigFiles.ConfigDirectory, Directory.Path);
        Assert.Equal(["cluster", "compose", "local"], Directory.Profiles);
    }

    [Fact]
    public void Find_AMissingDirectory_FailsNamingItAndWhereItCameFrom()
    {
        var missing = Path.Combine(SiloConfigFiles.RepositoryRoot, "no-such-config");

        var ex = Assert.Throws<SiloConfigException>(() => SiloConfigDirectory.Find(missing));

        Assert.Contains($"'{missing}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--config-dir or ORLEANSRECOVERY_CONFIG_DIR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnUnknownProfile_FailsNamingTheFileAndTheKnownProfiles()
    {
        var ex = Assert.Throws<SiloConfigException>(() => Directory.Load("production", includeEnvironment: false));

        Assert.Contains("appsettings.production.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Profiles: cluster, compose, local.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../local")]
    [InlineData("a b")]
    public void Load_AProfileThatIsNotAName_IsRefused(string profile)
    {
        var ex = Assert.Throws<SiloConfigException>(() => Directory.Load(profile, includeEnvironment: false));

        Assert.Contains("is not a valid name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LayersTheProfileOverTheBase_AndTheCommandLineOverBoth()
    {
        var configuration = Directory.Load("local", ["--Orleans:GatewayPort=30005"], includeEnvironment: false);

        Assert.Equal("local", configuration["Orleans:ClusterId"]);         // from the profile
        Assert.Equal("41943040", configuration["Orleans:Messaging:MaxMessageBodySize"]); // from the base file
        Assert.Equal("30005", configuration["Orleans:GatewayPort"]);       // from the command line
    }

    [Fact]
    public void ResolveProfileAndDirectory_TheArgumentWins_ThenTheEnvironment_ThenTheDefault()
    {
        static string? Env(string name) => name switch
        {
            SiloConfigDirectory.ProfileEnvironmentVariable => "compose",
            SiloConfigDirectory.DirectoryEnvironmentVariable => "/etc/orq",
            _ => null,
        };

        Assert.Equal("cluster", SiloConfigDirectory.ResolveProfile("cluster", Env));
        Assert.Equal("compose", SiloConfigDirectory.ResolveProfile(null, Env));
        Assert.Equal("local", SiloConfigDirectory.ResolveProfile(" ", _ => null));
        Assert.Equal("dir", SiloConfigDirectory.ResolveDirectory("dir", Env));
        Assert.Equal("/etc/orq", SiloConfigDirectory.ResolveDirectory(null, Env));
        Assert.Null(SiloConfigDirectory.ResolveDirectory(null, _ => null));
    }

    [Fact]
    public void ArgumentValue_ReadsBothForms_AndRefusesAMissingValue()
    {
        Assert.Equal("cluster", SiloConfigDirectory.ArgumentValue(["--profile", "cluster"], "--profile"));
        Assert.Equal("cluster", SiloConfigDirectory.ArgumentValue(["--PROFILE=cluster"], "--profile"));
        Assert.Null(SiloConfigDirectory.ArgumentValue(["--accounts", "3"], "--profile"));

        var ex = Assert.Throws<SiloConfigException>(() => SiloConfigDirectory.ArgumentValue(["--profile"], "--profile"));
        Assert.Contains("--profile needs a value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TheLocalProfile_GivesTheLoopbackGateway_AndTheSilosMessageLimits()
    {
        var failures = new List<string>();

        var client = ClusterClientSettings.Read(Directory.Load("local", includeEnvironment: false), failures);

        Assert.Empty(failures);
        Assert.NotNull(client);
        Assert.Equal("local", client.ClusterId);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 30000), client.Gateway);
        Assert.Equal(41_943_040, client.MaxMessageBodySize);
        Assert.Equal(1_048_576, client.MaxMessageHeaderSize);
        Assert.Null(client.Tls);
    }

    [Fact]
    public void Read_AzureTableClustering_WithoutAConnectionString_FailsNamingIt()
    {
        var failures = new List<string>();

        var client = ClusterClientSettings.Read(Directory.Load("cluster", includeEnvironment: false), failures);

        Assert.Null(client);
        var failure = Assert.Single(failures);
        Assert.StartsWith("Storage:ConnectionString is missing;", failure, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnExplicitGateway_NeedsNoClustering()
    {
        var failures = new List<string>();
        var gateway = new IPEndPoint(IPAddress.Loopback, 31000);

        var client = ClusterClientSettings.Read(Directory.Load("cluster", includeEnvironment: false), failures, gateway);

        Assert.Empty(failures);
        Assert.Equal(gateway, client?.Gateway);
    }

    [Theory]
    [InlineData("Orleans:ClusteringMode", "Consul", "must be Localhost or AzureTable")]
    [InlineData("Orleans:GatewayPort", "70000", "must be a port number")]
    [InlineData("Orleans:Messaging:MaxMessageBodySize", "big", "must be a whole number of bytes")]
    [InlineData("Orleans:Messaging:MaxMessageHeaderSize", "10", "must be a whole number of bytes")]
    [InlineData("Orleans:ClusterId", "", "is missing")]
    [InlineData("Orleans:Tls:Enabled", "yes", "must be true or false")]
    public void Read_ABadValue_FailsNamingTheSetting(string key, string value, string problem)
    {
        var failures = new List<string>();

        var client = ClusterClientSettings.Read(Directory.Load("local", [$"--{key}={value}"], includeEnvironment: false), failures);

        Assert.Null(client);
        var failure = Assert.Single(failures);
        Assert.StartsWith(key + " ", failure, StringComparison.Ordinal);
        Assert.Contains(problem, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_ConfiguresTheClusterTheGatewayAndTheMessageLimits()
    {
        var settings = new ClusterClientSettings
        {
            ClusterId = "c1",
            ServiceId = "s1",
            Gateway = new IPEndPoint(IPAddress.Loopback, 31001),
            MaxMessageBodySize = 2_000_000,
            MaxMessageHeaderSize = 100_000,
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.UseOrleansClient(client => settings.ApplyTo(client));
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("c1", "s1"), (cluster.ClusterId, cluster.ServiceId));
        var messaging = host.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value;
        Assert.Equal((2_000_000, 100_000), (messaging.MaxMessageBodySize, messaging.MaxMessageHeaderSize));
        var gateways = host.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 31001).ToGatewayUri(), Assert.Single(gateways));
    }

    [Fact]
    public void ApplyTo_NeitherAGatewayNorAConnectionString_IsRefused()
    {
        var settings = new ClusterClientSettings { ClusterId = "c1", ServiceId = "s1" };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        Assert.Throws<InvalidOperationException>(() => builder.UseOrleansClient(client => settings.ApplyTo(client)));
    }
}
