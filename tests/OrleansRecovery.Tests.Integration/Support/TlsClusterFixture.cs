using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using OrleansRecovery.Silo;
using OrleansRecovery.Testing;

using OrleansRecovery.Tests.Shared;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// One silo started through the real host code (<see cref="SiloHost"/>, environment <c>Cluster</c>: Azure Table membership
/// on its own Azurite, real sockets) with TLS on, mutual TLS required and its generated certificate pinned, shared by the tests of
/// one class. Clients use the same certificate (written as <see cref="CertificatePath"/>, its password in the environment
/// variable <see cref="PasswordVariable"/>); <see cref="Stranger"/> is another certificate the silo does not trust.
/// <see cref="ConfigDirectory"/> is a silo-config copy for recoveryctl with two extra environments: <c>tls</c> (TLS on, the client
/// certificate as a path relative to the profile, the silo's pinned) and <c>plain</c> (TLS off; the password variable named).
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orq-ctls-" + Guid.NewGuid().ToString("N")[..8]);
    private X509Certificate2? _certificate;
    private X509Certificate2? _stranger;
    private AzuriteInstance? _azurite;
    private InProcessSilo? _silo;

    /// <summary>The silo's certificate; clients present it too.</summary>
    public X509Certificate2 Certificate => _certificate ?? throw NotStarted();

    /// <summary>A certificate nobody trusts.</summary>
    public X509Certificate2 Stranger => _stranger ?? throw NotStarted();

    public AzuriteInstance Azurite => _azurite ?? throw NotStarted();

    public string ClusterId { get; } = "ctls-" + Guid.NewGuid().ToString("N")[..8];

    public string PasswordVariable { get; } = "ORQ_TEST_CTLS_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>The PFX password (also in <see cref="PasswordVariable"/>).</summary>
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The certificate with its key, as a PFX protected by <see cref="Password"/>.</summary>
    public string CertificatePath => Path.Combine(ConfigDirectory, "client.pfx");

    /// <summary><see cref="Stranger"/> as a PFX protected by <see cref="Password"/>.</summary>
    public string StrangerPath => Path.Combine(_directory, "stranger.pfx");

    /// <summary>A silo-config directory for recoveryctl (see the class summary).</summary>
    public string ConfigDirectory => Path.Combine(_directory, "silo-config");

    public int GatewayPort { get; private set; }

    public async Task InitializeAsync()
    {
        _certificate = TestCertificates.CreateSelfSigned("CN=orleansrecovery-silo");
        _stranger = TestCertificates.CreateSelfSigned("CN=stranger");
        Directory.CreateDirectory(ConfigDirectory);
        TestCertificates.WritePfx(_certificate, ConfigDirectory, Password, "client.pfx");
        TestCertificates.WritePfx(_stranger, _directory, Password, "stranger.pfx");
        Environment.SetEnvironmentVariable(PasswordVariable, Password);
        _azurite = await AzuriteInstance.StartAsync();
        WriteProfiles();

        var ports = LoopbackPorts.Free(2);
        GatewayPort = ports[1];
        _silo = await InProcessSilo.StartAsync("Cluster", SiloConfig(),
        [
            $"--ConnectionStrings:storage={Azurite.ConnectionString}",
            $"--Orleans:ClusterId={ClusterId}",
            $"--Orleans:Endpoints:SiloPort={ports[0]}",
            $"--Orleans:Endpoints:GatewayPort={ports[1]}",
            "--Orleans:Endpoints:AdvertisedIPAddress=127.0.0.1",
            "--Orleans:Tls:Enabled=true",
            $"--Orleans:Tls:CertificatePath={CertificatePath}",
            $"--Orleans:Tls:CertificatePasswordVariable={PasswordVariable}",
            "--Orleans:Tls:RequireClientCertificate=true",
            $"--Orleans:Tls:TrustedThumbprints:0={_certificate.Thumbprint}",
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

        _certificate?.Dispose();
        _stranger?.Dispose();
        Environment.SetEnvironmentVariable(PasswordVariable, null);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Writes another environment's file into <see cref="ConfigDirectory"/> (the <c>Orleans</c> section's keys given as JSON values).</summary>
    public void WriteProfile(string name, object orleans)
    {
        var profile = new Dictionary<string, object>
        {
            ["Orleans"] = orleans,
            ["ConnectionStrings"] = new { storage = Azurite.ConnectionString },
        };
        File.WriteAllText(Path.Combine(ConfigDirectory, $"appsettings.{name}.json"), JsonSerializer.Serialize(profile));
    }

    private void WriteProfiles()
    {
        // The shipped defaults, so that the profiles below layer on them exactly as on the real ones.
        File.Copy(Path.Combine(SiloConfig(), "appsettings.json"), Path.Combine(ConfigDirectory, "appsettings.json"));
        WriteProfile("tls", new
        {
            ClusterId,
            Clustering = new { ProviderType = "AzureTableStorage", ConnectionName = "storage" },
            Tls = new
            {
                Enabled = true,
                CertificatePath = "client.pfx",
                CertificatePasswordVariable = PasswordVariable,
                RequireClientCertificate = true,
                TrustedThumbprints = new[] { Certificate.Thumbprint },
            },
        });
        WriteProfile("plain", new
        {
            ClusterId,
            Clustering = new { ProviderType = "AzureTableStorage", ConnectionName = "storage" },
            Tls = new { Enabled = false, CertificatePasswordVariable = PasswordVariable },
        });
    }

    private static string SiloConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "silo-config", "appsettings.json")))
            {
                return Path.Combine(dir.FullName, "silo-config");
            }
        }

        throw new InvalidOperationException($"silo-config not found above {AppContext.BaseDirectory}.");
    }

    private static InvalidOperationException NotStarted() => new("The fixture is not started.");
}
