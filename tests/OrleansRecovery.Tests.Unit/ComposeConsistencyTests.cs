using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansRecovery.Silo;
using YamlDotNet.RepresentationModel;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// There is no Docker engine in CI, so docker-compose.yml and the Dockerfile are checked against silo-config/ and package.json
/// by reading them: same environment everywhere, storage host = the Azurite service, consistent ports, pinned images.
/// </summary>
public sealed class ComposeConsistencyTests
{
    private static readonly string Root = SiloConfigFiles.RepositoryRoot;
    private static readonly YamlMappingNode Compose = LoadCompose();
    private static readonly YamlMappingNode Services = (YamlMappingNode)Compose["services"];

    private static YamlMappingNode LoadCompose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> AllServices() =>
        Services.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, (YamlMappingNode)kv.Value));

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq
            ? [.. seq.Children.Select(c => ((YamlScalarNode)c).Value!)]
            : [];

    private static bool Builds(YamlMappingNode service, string target) =>
        Mapping(service, "build") is { } build && Scalar(build, "target") == target;

    private static List<(string Name, YamlMappingNode Service)> Silos() =>
        [.. AllServices().Where(s => Builds(s.Service, "silo"))];

    private static JsonElement ComposeProfile() =>
        SiloConfigFiles.Parse(SiloConfigFiles.EnvironmentFile("Compose")).RootElement;

    private static string AzuriteServiceName() =>
        AllServices().Single(s => Scalar(s.Service, "image")?.StartsWith("mcr.microsoft.com/azure-storage/azurite:", StringComparison.Ordinal) == true).Name;

    [Fact]
    public void ComposeRunsAzurite_ThreeSilos_TheDashboard_AndTheDemo()
    {
        Assert.Equal("azurite", AzuriteServiceName());
        Assert.True(Silos().Count >= 3, "compose should show a real cluster: three silos, so one can fail");
        Assert.Single(AllServices(), s => Builds(s.Service, "demo"));
        Assert.Equal("dashboard", Assert.Single(AllServices(), s => Builds(s.Service, "web")).Name);
    }

    [Fact]
    public void Dashboard_PublishesTheProfilesWebPort_AndSilosServeTheirOwnPagesInside()
    {
        var web = ComposeProfile().GetProperty("Web");
        Assert.True(web.GetProperty("Enabled").GetBoolean(), "silos register the Orleans Dashboard only with Web:Enabled");
        Assert.Equal("*", web.GetProperty("Host").GetString());
        var port = web.GetProperty("Port").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var dashboard = AllServices().Single(s => Builds(s.Service, "web")).Service;
        Assert.Equal([$"{port}:{port}"], Sequence(dashboard, "ports"));
        foreach (var (name, service) in Silos())
        {
            Assert.True(Sequence(service, "expose").Contains(port), $"{name} does not expose the web port {port}");
            Assert.Empty(Sequence(service, "ports")); // silos publish nothing to the host
        }

        var dockerfile = File.ReadAllText(Path.Combine(Root, "src/OrleansRecovery.Silo/Dockerfile"));
        Assert.Matches($"(?ms)^FROM \\S+ AS web$.*?^EXPOSE {port}\\s*$", dockerfile);
    }

    [Fact]
    public void EverySiloAndTheDemo_UseTheComposeProfile_AndTheRepositorysConfigFiles()
    {
        foreach (var (name, service) in AllServices().Where(s => Mapping(s.Service, "build") is not null))
        {
            var environment = Mapping(service, "environment");
            Assert.True(environment is not null, $"{name} has no environment");
            Assert.Equal("Compose", Scalar(environment!, "DOTNET_ENVIRONMENT"));
            Assert.Contains("./silo-config:/app/silo-config:ro", Sequence(service, "volumes"));

            var build = Mapping(service, "build")!;
            Assert.Equal(".", Scalar(build, "context"));
            Assert.True(File.Exists(Path.Combine(Root, Scalar(build, "dockerfile")!)), $"{name}: Dockerfile not found");
        }

        Assert.True(File.Exists(SiloConfigFiles.EnvironmentFile("Compose")));
    }

    [Fact]
    public void ComposeProfile_ClustersThroughAzureTable_AndListensOnAllInterfaces()
    {
        var orleans = ComposeProfile().GetProperty("Orleans");
        Assert.Equal("AzureTableStorage", orleans.GetProperty("Clustering").GetProperty("ProviderType").GetString());
        Assert.StartsWith("0.0.0.0:", orleans.GetProperty("Endpoints").GetProperty("SiloListeningEndpoint").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("0.0.0.0:", orleans.GetProperty("Endpoints").GetProperty("GatewayListeningEndpoint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeConnectionString_PointsAtTheAzuriteService_OnThePortsItListensOn()
    {
        var connection = ComposeProfile().GetProperty("ConnectionStrings").GetProperty("storage").GetString()!;
        var command = Sequence(Service(AzuriteServiceName()), "command");
        string Option(string option, string fallback) =>
            command.IndexOf(option) is var i and >= 0 ? command[i + 1] : fallback;

        var expected = new Dictionary<string, string>
        {
            ["BlobEndpoint"] = Option("--blobPort", "10000"),
            ["QueueEndpoint"] = Option("--queuePort", "10001"),
            ["TableEndpoint"] = Option("--tablePort", "10002"),
        };
        foreach (var (endpoint, port) in expected)
        {
            var match = Regex.Match(connection, $"{endpoint}=http://([^:/;]+):(\\d+)/devstoreaccount1");
            Assert.True(match.Success, $"{endpoint} missing from the compose connection string");
            Assert.Equal(AzuriteServiceName(), match.Groups[1].Value);
            Assert.Equal(port, match.Groups[2].Value);
        }

        // A host name (not an IP) in the URL needs path-style account parsing, and Azurite must listen beyond its loopback.
        Assert.Contains("--disableProductStyleUrl", command);
        foreach (var host in new[] { "--blobHost", "--queueHost", "--tableHost" })
        {
            Assert.Equal("0.0.0.0", Option(host, "127.0.0.1"));
        }
    }

    [Fact]
    public void SiloPorts_AgreeAcrossProfile_Compose_AndDockerfile()
    {
        // Compose listens on every interface at the ports appsettings.json advertises.
        var endpoints = ComposeProfile().GetProperty("Orleans").GetProperty("Endpoints");
        var siloPort = endpoints.GetProperty("SiloListeningEndpoint").GetString()!.Split(':')[1];
        var gatewayPort = endpoints.GetProperty("GatewayListeningEndpoint").GetString()!.Split(':')[1];
        using var shared = SiloConfigFiles.Parse(Path.Combine(SiloConfigFiles.ConfigDirectory, "appsettings.json"));
        var advertised = shared.RootElement.GetProperty("Orleans").GetProperty("Endpoints");
        Assert.Equal(siloPort, advertised.GetProperty("SiloPort").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(gatewayPort, advertised.GetProperty("GatewayPort").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));

        foreach (var (name, service) in Silos())
        {
            var expose = Sequence(service, "expose");
            Assert.True(expose.Contains(siloPort) && expose.Contains(gatewayPort), $"{name} exposes [{string.Join(", ", expose)}], expected {siloPort} and {gatewayPort}");
            var environment = Mapping(service, "environment")!;
            Assert.Null(Scalar(environment, "Orleans__Endpoints__SiloPort"));      // one source of truth: the files
            Assert.Null(Scalar(environment, "Orleans__Endpoints__GatewayPort"));
            Assert.Null(Scalar(environment, "ConnectionStrings__storage"));
        }

        var dockerfile = File.ReadAllText(Path.Combine(Root, "src/OrleansRecovery.Silo/Dockerfile"));
        var webPort = ComposeProfile().GetProperty("Web").GetProperty("Port").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($"(?m)^EXPOSE {siloPort} {gatewayPort} {webPort}\\s*$", dockerfile);
        var hostnames = Silos().Select(s => Scalar(s.Service, "hostname")).ToList();
        Assert.Equal(hostnames.Count, hostnames.Distinct().Count());
    }

    [Fact]
    public void Images_ArePinned_NoLatest_AndAzuriteMatchesPackageJson()
    {
        var images = AllServices().Select(s => Scalar(s.Service, "image")).OfType<string>().ToList();
        var dockerfile = File.ReadAllText(Path.Combine(Root, "src/OrleansRecovery.Silo/Dockerfile"));
        images.AddRange(Regex.Matches(dockerfile, @"(?m)^FROM\s+(\S+)").Select(m => m.Groups[1].Value));

        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            Assert.Matches(@"^[a-z0-9./-]+:\d+\.\d+\.\d+$", image); // an exact version tag: never "latest" or a floating "10.0"
        }

        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "package.json")));
        var azurite = package.RootElement.GetProperty("devDependencies").GetProperty("azurite").GetString();
        Assert.Equal($"mcr.microsoft.com/azure-storage/azurite:{azurite}", Scalar(Service(AzuriteServiceName()), "image"));

        using var global = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "global.json")));
        var sdk = global.RootElement.GetProperty("sdk").GetProperty("version").GetString();
        Assert.Contains($"FROM mcr.microsoft.com/dotnet/sdk:{sdk} ", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNonDefaultSetting_CarriesAComment()
    {
        // Each line inside a service that sets something (not a bare list value or a section opener) explains itself.
        var lines = File.ReadAllLines(Path.Combine(Root, "docker-compose.yml"));
        var inServices = false;
        foreach (var raw in lines)
        {
            if (raw.StartsWith("services:", StringComparison.Ordinal))
            {
                inServices = true;
                continue;
            }

            var line = raw.Trim();
            if (!inServices || line.Length == 0 || line.StartsWith('#') || raw.StartsWith("  ", StringComparison.Ordinal) && !raw.StartsWith("    ", StringComparison.Ordinal))
            {
                continue; // blank, comment, or a service name
            }

            var setsSomething = Regex.IsMatch(line, @"^(- )?[A-Za-z_][\w.-]*:\s*\S") // key: value
                || Regex.IsMatch(line, @"^- --");                                      // a command-line option
            if (setsSomething && !line.Contains(" # ", StringComparison.Ordinal) && !IsContinuation(line))
            {
                Assert.Fail($"docker-compose.yml: '{line}' has no comment");
            }
        }

        static bool IsContinuation(string line) =>
            // repeated keys whose meaning is given by the commented line above them
            Regex.IsMatch(line, @"^(dockerfile|target): ") || Regex.IsMatch(line, @"^- --(queue|table)(Host|Port)$");
    }
}
