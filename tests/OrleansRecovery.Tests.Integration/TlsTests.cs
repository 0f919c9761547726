using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Client;
using OrleansRecovery.Silo;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

using OrleansRecovery.Tests.Shared;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// TLS switched on by silo-config: two silos started through the real host code (<see cref="SiloHost"/>, environment
/// <c>Cluster</c>: Azure Table membership on Azurite, real sockets), with a certificate generated here, written as a PFX whose
/// password is in the environment, mutual TLS and the certificate pinned by thumbprint. The silos form a cluster over TLS; a
/// client with the certificate works; a client without TLS, and a TLS client with another certificate, cannot connect.
/// (InProcessTestCluster cannot be used: it replaces the socket transport with an in-memory one.)
/// </summary>
public sealed class TlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orq-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _passwordVariable = "ORQ_TEST_PFX_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<InProcessSilo> _silos = [];
    private X509Certificate2? _certificate;
    private AzuriteInstance? _azurite;

    private X509Certificate2 Certificate => _certificate!;

    private AzuriteInstance Azurite => _azurite!;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificates.CreateSelfSigned("CN=orleansrecovery-silo");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(_directory);
        var pfx = Path.Combine(_directory, "silo.pfx");
        await File.WriteAllBytesAsync(pfx, _certificate.Export(X509ContentType.Pfx, password));
        Environment.SetEnvironmentVariable(_passwordVariable, password);
        _azurite = await AzuriteInstance.StartAsync();

        for (var i = 0; i < 2; i++)
        {
            var ports = LoopbackPorts.Free(2);
            _silos.Add(await InProcessSilo.StartAsync("Cluster", InProcessSilo.RepositoryConfigDirectory(),
            [
                $"--ConnectionStrings:storage={Azurite.ConnectionString}",
                $"--Orleans:ClusterId={_clusterId}",
                $"--Orleans:Endpoints:SiloPort={ports[0]}",
                $"--Orleans:Endpoints:GatewayPort={ports[1]}",
                "--Orleans:Endpoints:AdvertisedIPAddress=127.0.0.1",
                "--Orleans:Tls:Enabled=true",
                $"--Orleans:Tls:CertificatePath={pfx}",
                $"--Orleans:Tls:CertificatePasswordVariable={_passwordVariable}",
                "--Orleans:Tls:RequireClientCertificate=true",
                $"--Orleans:Tls:TrustedThumbprints:0={_certificate.Thumbprint}",
            ]));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await silo.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _certificate?.Dispose();
        Environment.SetEnvironmentVariable(_passwordVariable, null);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task SilosFormAClusterOverTls_AndAClientWithTheCertificateWorks()
    {
        using var client = await StartClientAsync(new TransactionTlsOptions { Enabled = true, Certificate = Certificate, TrustedThumbprints = [Certificate.Thumbprint] });
        var cluster = client.Services.GetRequiredService<IClusterClient>();

        // Both silos are members: they reached each other over TLS (membership probes and the join both need it).
        var hosts = await Eventually.WaitForAsync(() => cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true),
            h => h.Count == 2, TimeSpan.FromSeconds(60), "both silos are active members");
        Assert.Equal(2, hosts.Count);

        // Transactions spread over both silos are served through the TLS gateway (and silo-to-silo forwarding).
        for (var i = 0; i < 10; i++)
        {
            var tx = "tls-account-" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(SubmitOutcome.Processed, (await cluster.SubmitAsync(tx, LedgerMessages.Credit("c1", 10 + i))).Outcome);
            Assert.Equal(10 + i, (await cluster.DataAsync(tx)).Balance);
        }
    }

    [Fact]
    public async Task AClientWithoutTls_CannotConnect_AndFailsClearly()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var client = await StartClientAsync(tls: null);
            await client.Services.GetRequiredService<IClusterClient>().SubmitAsync("tls-plain", LedgerMessages.Credit("c1", 1));
        });

        output.WriteLine($"{error.GetType().Name}: {error.Message}");
        Assert.Equal("ConnectionFailedException", error.GetType().Name);
        Assert.Contains("Unable to connect to any of the 2 available gateways", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATlsClientWithAnotherCertificate_IsRefusedByMutualTls()
    {
        using var stranger = TestCertificates.CreateSelfSigned("CN=stranger");

        // It trusts the silos' certificate, but the silos do not trust its own.
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var client = await StartClientAsync(new TransactionTlsOptions { Enabled = true, Certificate = stranger, TrustedThumbprints = [Certificate.Thumbprint] });
            await client.Services.GetRequiredService<IClusterClient>().SubmitAsync("tls-stranger", LedgerMessages.Credit("c1", 1));
        });

        output.WriteLine($"{error.GetType().Name}: {error.Message}");
        Assert.Equal("ConnectionFailedException", error.GetType().Name);
        Assert.Contains("Unable to connect to any of the 2 available gateways", error.Message, StringComparison.Ordinal);
    }

    private Task<IHost> StartClientAsync(TransactionTlsOptions? tls) =>
        AzureTableClusterClient.StartAsync(_clusterId, Azurite.ConnectionString, client =>
        {
            if (tls is not null)
            {
                client.UseTransactionRecoveryTls(tls);
            }
        });
}
