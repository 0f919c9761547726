using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;
using Environments = Microsoft.Extensions.Hosting.Environments;

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

    public static string EnvironmentFile(string environment) => Path.Combine(ConfigDirectory, $"appsettings.{environment}.json");

    /// <summary>The files as JSON (they hold // comments, which the configuration's JSON reader skips too).</summary>
    public static JsonDocument Parse(string file) =>
        JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    /// <summary>
    /// Builds (without starting) the silo host the silo's Program builds, from the repository's <c>silo-config/</c> for
    /// <paramref name="environment"/> (null: <c>appsettings.json</c> alone) with <paramref name="args"/> over it.
    /// </summary>
    public static IHost BuildSilo(string? environment, params string[] args)
    {
        string[] all = [.. args, "--contentRoot", ConfigDirectory, "--environment", environment ?? Environments.Production];
        return SiloHost.Build(SiloHost.CreateBuilder(all).ConfigureSilo());
    }

    /// <summary>
    /// What stops that silo before it starts, as the silo's Program reports it (every option validated at start, the binder and
    /// Orleans' provider configuration, which name their key); empty when nothing does.
    /// </summary>
    public static IReadOnlyList<string> Failures(string? environment, params string[] args)
    {
        try
        {
            using var host = BuildSilo(environment, args);
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            return [.. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct()];
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message.Split('\n')[0] + (ex.InnerException is { } inner ? " " + inner.Message : string.Empty)];
        }
    }

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
    public static TheoryData<string?> Environments => [null, "Cluster", "Compose"];

    /// <summary>The Cluster environment carries no connection string on purpose; tests supply one the way operators do.</summary>
    private static string[] ArgsFor(string? environment) =>
        environment == "Cluster" ? [$"--ConnectionStrings:storage={SiloConfigFiles.TestConnectionString}"] : [];

    [Fact]
    public void TheShippedFiles_AreAppsettingsAndOneFilePerEnvironment()
    {
        Assert.Equal(["appsettings.Cluster.json", "appsettings.Compose.json", "appsettings.json"],
            Directory.GetFiles(SiloConfigFiles.ConfigDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Environment_WiresAHost_WhoseOptionsValidate_WithoutStartingASilo(string? environment)
    {
        Assert.Empty(SiloConfigFiles.Failures(environment, ArgsFor(environment)));
        using var host = SiloConfigFiles.BuildSilo(environment, ArgsFor(environment));

        var engine = host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value;
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(environment?.ToLowerInvariant() ?? "local", cluster.ClusterId);
        Assert.Equal("orleansrecovery", cluster.ServiceId);
        Assert.NotEqual(endpoints.SiloPort, endpoints.GatewayPort);
        Assert.Equal("transactions", engine.StorageProviderName);
        Assert.Equal(TransactionStreams.ProviderName, engine.StreamProviderName);
        Assert.Equal(["ConnectionStrings:storage"], SiloHost.StorageAccounts(host.Services.GetRequiredService<IConfiguration>()).Select(a => a.Setting));
    }

    [Theory]
    [InlineData("--OrleansRecovery:DedupWindow=0", "OrleansRecovery:DedupWindow is 0; it must be between 1 and 100000.")]
    [InlineData("--OrleansRecovery:DedupWindow=abc", "OrleansRecovery:DedupWindow")]
    [InlineData("--OrleansRecovery:SegmentMaxBytes=100", "OrleansRecovery:SegmentMaxBytes")]
    [InlineData("--Orleans:Streaming:TransactionStreams:QueueCount=0", "Orleans:Streaming:TransactionStreams:QueueCount is 0")]
    [InlineData("--Orleans:Streaming:TransactionStreams:QueuePrefix=Bad_Prefix", "Orleans:Streaming:TransactionStreams:QueuePrefix is 'Bad_Prefix'")]
    [InlineData("--Orleans:GrainStorage:transactions:TableName=x", "Orleans:GrainStorage:transactions:TableName is 'x'")]
    [InlineData("--Orleans:Messaging:MaxMessageBodySize=lots", "Orleans:Messaging:MaxMessageBodySize")]
    [InlineData("--Web:Enabled=maybe", "Web:Enabled")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        var failures = SiloConfigFiles.Failures(null, argument);

        Assert.Contains(failures, f => f.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void ClusterEnvironment_WithoutAConnectionString_NamesTheMissingKey_ForTheSiloToReport()
    {
        using var host = SiloConfigFiles.BuildSilo("Cluster");

        Assert.Equal([("ConnectionStrings:storage", (string?)null)], SiloHost.StorageAccounts(host.Services.GetRequiredService<IConfiguration>()));
    }

    [Fact]
    public void UnknownEnvironment_FailsNamingTheMissingFileAndTheKnownEnvironments()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SiloConfigFiles.BuildSilo("Clsuter"));

        Assert.Contains("appsettings.Clsuter.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Environments: Cluster, Compose.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_IsAnAliasOfEnvironment()
    {
        var builder = SiloHost.CreateBuilder(["--profile", "Cluster", "--contentRoot", SiloConfigFiles.ConfigDirectory]);

        Assert.Equal("Cluster", builder.Environment.EnvironmentName);
        Assert.Equal(SiloConfigFiles.ConfigDirectory, builder.Environment.ContentRootPath.TrimEnd('/'));
    }

    [Fact]
    public void LaterSourcesWin_CommandLineOverEnvironmentFileOverAppsettings()
    {
        using var host = SiloConfigFiles.BuildSilo("Cluster", [.. ArgsFor("Cluster"), "--Orleans:Endpoints:GatewayPort=30123"]);
        var configuration = host.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(30123, host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);
        Assert.Equal("cluster", configuration["Orleans:ClusterId"]);          // appsettings.Cluster.json over appsettings.json
        Assert.Equal("1000", configuration["OrleansRecovery:DedupWindow"]);   // appsettings.json
    }

    [Fact]
    public void CommittedConfiguration_HoldsNoKeyButAzuritesPublicOne()
    {
        foreach (var file in Directory.GetFiles(SiloConfigFiles.ConfigDirectory, "*.json"))
        {
            var text = File.ReadAllText(file);
            using var _ = SiloConfigFiles.Parse(file); // every file is valid JSON (with comments)
            foreach (Match key in Regex.Matches(text, "AccountKey=([^;\"]+)"))
            {
                Assert.Equal(SiloConfigFiles.DevelopmentKey, key.Groups[1].Value);
            }

            Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.OrdinalIgnoreCase);
        }

        using var cluster = SiloConfigFiles.Parse(SiloConfigFiles.EnvironmentFile("Cluster"));
        Assert.Equal(string.Empty, cluster.RootElement.GetProperty("ConnectionStrings").GetProperty("storage").GetString());
    }
}
