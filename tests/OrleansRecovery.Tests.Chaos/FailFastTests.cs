using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Chaos.Support;

namespace OrleansRecovery.Tests.Chaos;

/// <summary>
/// A silo or recoveryctl started wrongly says why in one line, within 15 s, and exits: real processes (the built silo and
/// recoveryctl), a real Azurite, and one real silo (cluster id <see cref="FailFastFixture.ClusterId"/>) holding its ports.
/// </summary>
public sealed class FailFastTests(FailFastFixture fixture) : IClassFixture<FailFastFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task StorageDown_SiloExits2_WithOneLineNamingTheEndpointTheSettingAndAzurite()
    {
        var down = LoopbackPorts.Free(3);
        var connectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteInstance.AccountName};AccountKey={AzuriteInstance.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{down[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{down[1]}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{down[2]}/devstoreaccount1;");

        var run = await StartSiloAsync(connectionString);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Storage unreachable: the table endpoint http://127.0.0.1:{down[2]}/devstoreaccount1 did not answer within 5 s",
            line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:storage (environment Production; or the environment variable ConnectionStrings__storage)", line, StringComparison.Ordinal);
        Assert.Contains("Is Azurite running? Start it with `npx azurite --silent --inMemoryPersistence`", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
    }

    [Fact]
    public async Task WrongAccountKey_SiloExits2_WithOneLineSayingTheKeyWasRefused()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connectionString = fixture.Azurite.ConnectionString.Replace(AzuriteInstance.AccountKey, wrongKey, StringComparison.Ordinal);

        var run = await StartSiloAsync(connectionString);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Storage refused the credentials: the table endpoint http://127.0.0.1:{fixture.Azurite.TablePort}/devstoreaccount1 answered 403",
            line, StringComparison.Ordinal);
        Assert.Contains("Check AccountName and AccountKey (or the SAS) in ConnectionStrings:storage", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
    }

    [Fact]
    public async Task ClusterEnvironmentWithoutAConnectionString_SiloExits2_NamingTheKeyAndTheVariable()
    {
        var ports = LoopbackPorts.Free(2);

        var run = await ProgramRun.RunAsync(BuildOutputs.SiloDll(),
            ["--environment", "Cluster", $"--Orleans:Endpoints:SiloPort={ports[0]}", $"--Orleans:Endpoints:GatewayPort={ports[1]}"],
            new Dictionary<string, string>(), Deadline + TimeSpan.FromSeconds(15));

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("ConnectionStrings:storage is missing; the Orleans providers name it.", line, StringComparison.Ordinal);
        Assert.EndsWith("or in the environment variable ConnectionStrings__storage.", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
    }

    [Fact]
    public async Task GatewayPortOfARunningSilo_SecondSiloExits2_NamingTheSettingAndThePort()
    {
        var port = fixture.Silo.GatewayPort;

        var run = await StartSiloAsync(fixture.Azurite.ConnectionString, gatewayPort: port);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Port taken: Orleans:Endpoints:GatewayPort is {port}, and 127.0.0.1:{port} is already in use", line, StringComparison.Ordinal);
        Assert.Contains("--Orleans:Endpoints:GatewayPort=PORT or the environment variable Orleans__Endpoints__GatewayPort", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
    }

    [Fact]
    public async Task MetricsPortTaken_SiloExits2_NamingTheSettingAndThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await StartSiloAsync(fixture.Azurite.ConnectionString,
            extra: ["--Observability:Metrics:Prometheus:Enabled=true", $"--Observability:Metrics:Prometheus:Port={port}"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Port taken: Observability:Metrics:Prometheus:Port is {port}, and 127.0.0.1:{port} is already in use", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
    }

    [Fact]
    public async Task RecoveryctlWithAnotherClusterId_Exits3_SayingAGatewayAnsweredAndWhichFlagToPass()
    {
        var gateway = $"127.0.0.1:{fixture.Silo.GatewayPort}";

        var wrong = await RecoveryCtlAsync("--gateway", gateway, "--cluster-id", "someone-else", "--connect-timeout", "10s", "status");
        var right = await RecoveryCtlAsync("--gateway", gateway, "--cluster-id", FailFastFixture.ClusterId, "--connect-timeout", "10s", "status");

        Assert.Equal(3, wrong.ExitCode);
        var line = Assert.Single(wrong.ErrorLines);
        // Two wordings, both naming the flag: the gateway's own cluster id when the client learned it from the refusal, otherwise
        // the handshake the gateway closed (which of the two the client sees first depends on timing).
        var named = line.Contains($"a gateway answered, but it belongs to cluster id '{FailFastFixture.ClusterId}', not 'someone-else'; pass --cluster-id {FailFastFixture.ClusterId}", StringComparison.Ordinal);
        var handshake = line.Contains("a gateway answered but closed the connection in Orleans' handshake, as a gateway of another cluster id does", StringComparison.Ordinal)
            && line.Contains("this client's cluster id is 'someone-else'; pass the silos' Orleans:ClusterId with --cluster-id", StringComparison.Ordinal);
        Assert.True(named || handshake, line);
        Assert.InRange(wrong.Elapsed, TimeSpan.Zero, Deadline);
        Assert.Equal(0, right.ExitCode); // the same gateway with its own cluster id: the id was the only problem
    }

    [Fact]
    public async Task RecoveryctlSendWithABadMessageFile_Exits2_BeforeConnecting()
    {
        var file = Path.Combine(Path.GetTempPath(), $"failfast-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, ["""{"messageId":"m1","type":"credit","payload":{"amount":1}}""", """{"messageId":"m2","kind":"Sideways","type":"credit"}"""]);
        try
        {
            // Nothing listens on the gateway and the connect timeout is long: only a check before connecting answers in time.
            var nowhere = LoopbackPorts.Free(1)[0];
            var run = await RecoveryCtlAsync("--gateway", $"127.0.0.1:{nowhere}", "--connect-timeout", "60s", "send", "acct-1", "--file", file);

            Assert.Equal(2, run.ExitCode);
            var line = Assert.Single(run.ErrorLines);
            Assert.Equal($"recoveryctl: {Path.GetFileName(file)} line 2: kind \"Sideways\" is not Normal or Recovery.", line);
            Assert.InRange(run.Elapsed, TimeSpan.Zero, Deadline);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Task<ProgramRun> StartSiloAsync(string connectionString, int? gatewayPort = null, IEnumerable<string>? extra = null)
    {
        var ports = LoopbackPorts.Free(2);
        string[] args =
        [
            $"--Orleans:Endpoints:SiloPort={ports[0]}",
            $"--Orleans:Endpoints:GatewayPort={gatewayPort ?? ports[1]}",
            .. extra ?? [],
        ];

        // A margin over the deadline asserted: a silo that hangs fails here with its output, not with a bare timeout.
        return ProgramRun.RunAsync(BuildOutputs.SiloDll(), args,
            new Dictionary<string, string> { ["ConnectionStrings__storage"] = connectionString }, Deadline + TimeSpan.FromSeconds(15));
    }

    private static Task<ProgramRun> RecoveryCtlAsync(params string[] args) =>
        ProgramRun.RunAsync(BuildOutputs.RecoveryCtlDll(), args, new Dictionary<string, string>(), Deadline + TimeSpan.FromSeconds(15));
}
