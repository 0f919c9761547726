using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary>Locates the repository's files from the test's output directory.</summary>
internal static class SiloConfigFiles
{
    /// <summary>The published key of Azurite's development account: the only key allowed in committed files.</summary>
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A connection string for tests: Azurite's development account on loopback (nothing is contacted).</summary>
    public const string TestConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevelopmentKey +
        ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public static string RepositoryRoot { get; } = FindRoot();

    public static string ConfigDirectory => Path.Combine(RepositoryRoot, "silo-config");

    public static string ProfileFile(string profile) => Path.Combine(ConfigDirectory, $"appsettings.{profile}.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRecovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OrleansRecovery.sln not found above {AppContext.BaseDirectory}.");
    }
}

public sealed class SiloConfigTests
{
    public static TheoryData<string> Profiles => ["local", "cluster", "compose"];

    /// <summary>The cluster profile carries no connection string on purpose; tests supply one the way operators do.</summary>
    private static string[] ArgsFor(string profile) =>
        profile == "cluster" ? [$"--Storage:ConnectionString={SiloConfigFiles.TestConnectionString}"] : [];

    private static SiloSettings Validate(string profile, params string[] args)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, profile, args, includeEnvironment: false);
        return SiloHostBuilder.Validate(configuration, profile, SiloConfigFiles.ConfigDirectory);
    }

    [Fact]
    public void EveryProfileFileExists_AndNoOtherProfileIsShipped()
    {
        Assert.Equal(["cluster", "compose", "local"], SiloHostBuilder.Profiles(SiloConfigFiles.ConfigDirectory));
        Assert.True(File.Exists(Path.Combine(SiloConfigFiles.ConfigDirectory, "appsettings.json")));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_LoadsBindsAndPassesValidation(string profile)
    {
        var settings = Validate(profile, ArgsFor(profile));

        Assert.Equal(profile, settings.Profile);
        Assert.False(string.IsNullOrWhiteSpace(settings.ClusterId));
        Assert.Equal("orleansrecovery", settings.ServiceId);
        Assert.Equal(profile == "local" ? ClusteringMode.Localhost : ClusteringMode.AzureTable, settings.Clustering);
        Assert.InRange(settings.SiloPort, 1, 65535);
        Assert.InRange(settings.GatewayPort, 1, 65535);
        Assert.NotEqual(settings.SiloPort, settings.GatewayPort);
        Assert.Contains("AccountName=devstoreaccount1", settings.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_BindsEngineOptions_ThatPassTheEngineValidator(string profile)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, profile, ArgsFor(profile), includeEnvironment: false);
        var options = new TransactionRecoveryOptions();
        configuration.GetSection(TransactionRecoveryOptions.SectionName).Bind(options);
        var azure = new TransactionAzureStorageOptions();
        configuration.GetSection(TransactionAzureStorageOptions.SectionName).Bind(azure);

        var result = new TransactionRecoveryOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(azure.StorageProviderName, options.StorageProviderName);
        Assert.Equal(azure.StreamProviderName, options.StreamProviderName);
        Assert.Equal(TransactionStreams.DefaultQueuePrefix, azure.QueuePrefix);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_WiresAHost_WhoseOptionsResolve_WithoutStartingASilo(string profile)
    {
        // The host the silo's Program builds: a web host where the profile enables Web (compose), a plain one elsewhere.
        var builder = SiloHostBuilder.CreateBuilder(profile, SiloConfigFiles.ConfigDirectory, ArgsFor(profile));

        var settings = SiloHostBuilder.Configure(builder, profile, SiloConfigFiles.ConfigDirectory, ArgsFor(profile));
        using var host = SiloHostBuilder.Build(builder, settings);

        var engine = host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value;
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(settings.ClusterId, cluster.ClusterId);
        Assert.Equal(settings.ServiceId, cluster.ServiceId);
        Assert.Equal("transactions", engine.StorageProviderName);
        Assert.Equal(TransactionStreams.ProviderName, engine.StreamProviderName);
    }

    [Fact]
    public void InvalidEngineValue_FailsAtConfiguration_NamingTheSetting()
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", "--OrleansRecovery:DedupWindow=0"));

        Assert.Contains("OrleansRecovery:DedupWindow", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Failures);
    }

    [Fact]
    public void InvalidEngineValue_AddedAfterWiring_FailsWhenTheHostResolvesOptions_NamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        SiloHostBuilder.Configure(builder, "local", SiloConfigFiles.ConfigDirectory);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansRecovery:DedupWindow"] = "0" });
        using var host = builder.Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("OrleansRecovery:DedupWindow", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--OrleansRecovery:DedupWindow=abc", "OrleansRecovery:DedupWindow")]
    [InlineData("--OrleansRecovery:SegmentMaxBytes=100", "OrleansRecovery:SegmentMaxBytes")]
    [InlineData("--Orleans:ClusteringMode=Consul", "Orleans:ClusteringMode")]
    [InlineData("--Orleans:Clustering=Localhost", "Orleans:Clustering")]
    [InlineData("--Orleans:GatewayPort=70000", "Orleans:GatewayPort")]
    [InlineData("--Orleans:SiloPort=30000", "Orleans:SiloPort")]
    [InlineData("--Orleans:ClusterId=", "Orleans:ClusterId")]
    [InlineData("--Orleans:ListenOnAnyHostAddress=maybe", "Orleans:ListenOnAnyHostAddress")]
    [InlineData("--Storage:ConnectionString=not-a-connection-string", "Storage:ConnectionString")]
    [InlineData("--OrleansRecovery:Azure:QueueCount=0", "OrleansRecovery:Azure:QueueCount")]
    [InlineData("--OrleansRecovery:Azure:QueuePrefix=Bad_Prefix", "OrleansRecovery:Azure:QueuePrefix")]
    [InlineData("--OrleansRecovery:Azure:TableName=x", "OrleansRecovery:Azure:TableName")]
    [InlineData("--OrleansRecovery:StorageProviderName=other", "OrleansRecovery:StorageProviderName")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", argument));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterProfile_WithoutAConnectionString_FailsNamingTheSettingAndTheEnvironmentVariable()
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("cluster"));

        Assert.Contains("Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidConnectionString_IsNeverEchoed()
    {
        var secret = "AccountName=real;AccountKey=c2VjcmV0;Nonsense";
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", $"--Storage:ConnectionString={secret}"));

        Assert.DoesNotContain("c2VjcmV0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownProfile_FailsNamingTheMissingFileAndTheKnownProfiles()
    {
        var ex = Assert.Throws<SiloConfigurationException>(() =>
            SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, "production", includeEnvironment: false));

        Assert.Contains("appsettings.production.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cluster, compose, local", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_ComesFromTheArgument_ThenTheEnvironment_ThenDefaultsToLocal()
    {
        string? Env(string name) => name == SiloHostBuilder.ProfileEnvironmentVariable ? "compose" : null;

        Assert.Equal("cluster", SiloHostBuilder.ResolveProfile(["--profile", "cluster"], Env));
        Assert.Equal("cluster", SiloHostBuilder.ResolveProfile(["--profile=cluster"], Env));
        Assert.Equal("compose", SiloHostBuilder.ResolveProfile([], Env));
        Assert.Equal("local", SiloHostBuilder.ResolveProfile([], _ => null));
    }

    [Fact]
    public void LaterSourcesWin_CommandLineOverProfileOverDefaults()
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, "local",
            ["--Orleans:GatewayPort=30123"], includeEnvironment: false);

        Assert.Equal("30123", configuration["Orleans:GatewayPort"]);
        Assert.Equal("local", configuration["Orleans:ClusterId"]);              // profile over appsettings.json
        Assert.Equal("1000", configuration["OrleansRecovery:DedupWindow"]);     // appsettings.json default
    }

    [Fact]
    public void CommittedConfiguration_HoldsNoKeyButAzuritesPublicOne()
    {
        foreach (var file in Directory.GetFiles(SiloConfigFiles.ConfigDirectory, "*.json"))
        {
            var text = File.ReadAllText(file);
            using var _ = JsonDocument.Parse(text); // every file is valid JSON
            foreach (Match key in Regex.Matches(text, "AccountKey=([^;\"]+)"))
            {
                Assert.Equal(SiloConfigFiles.DevelopmentKey, key.Groups[1].Value);
            }

            Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.OrdinalIgnoreCase);
        }

        var cluster = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, "cluster", includeEnvironment: false);
        Assert.True(string.IsNullOrEmpty(cluster["Storage:ConnectionString"]), "the cluster profile must take its account from the environment");
    }
}
