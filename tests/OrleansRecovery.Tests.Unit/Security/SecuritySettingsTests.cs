using System.Net.Security;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;
using OrleansRecovery.Silo;

using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Unit.Security;

/// <summary>
/// The host's security settings: Orleans message size limits (lowered, validated, naming the setting), TLS from silo-config
/// (off by default; certificate from a PFX whose password comes from the environment, or from the store; every mistake named),
/// and no secret but Azurite's published key in the repository.
/// </summary>
public sealed class SecuritySettingsTests : IDisposable
{
    private const string Password = "test-only-password";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orq-tls-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static SiloSettings Validate(string[] args, Func<string, string?>? environment = null)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, "local", args, includeEnvironment: false);
        return SiloHostBuilder.Validate(configuration, "local", SiloConfigFiles.ConfigDirectory, environment ?? (_ => null));
    }

    private static SiloConfigurationException Refused(string[] args, Func<string, string?>? environment = null) =>
        Assert.Throws<SiloConfigurationException>(() => Validate(args, environment));

    // ---- message size limits ----

    [Fact]
    public void DefaultProfiles_LowerOrleansMessageLimits_AndStillFitTheLargestLegalBatch()
    {
        var settings = Validate([]);

        Assert.Equal(40 * 1024 * 1024, settings.Messaging.MaxMessageBodySize);
        Assert.Equal(1024 * 1024, settings.Messaging.MaxMessageHeaderSize);
        Assert.True(settings.Messaging.MaxMessageBodySize < new SiloMessagingOptions().MaxMessageBodySize);
        Assert.True(settings.Messaging.MaxMessageHeaderSize < new SiloMessagingOptions().MaxMessageHeaderSize);
        var required = SiloMessagingLimits.RequiredBodySize(new TransactionRecoveryOptions());
        Assert.InRange(required, 32L * 1024 * 1024, settings.Messaging.MaxMessageBodySize);
    }

    public static TheoryData<string, string> BadLimits => new()
    {
        { "--Orleans:Messaging:MaxMessageBodySize=0", "Orleans:Messaging:MaxMessageBodySize is 0" },
        { "--Orleans:Messaging:MaxMessageBodySize=-5", "Orleans:Messaging:MaxMessageBodySize is -5" },
        { "--Orleans:Messaging:MaxMessageBodySize=lots", "Orleans:Messaging:MaxMessageBodySize is 'lots'" },
        { "--Orleans:Messaging:MaxMessageBodySize=1048576", "a legal batch needs up to" },
        { "--Orleans:Messaging:MaxMessageBodySize=209715200", "Orleans:Messaging:MaxMessageBodySize is 209715200" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=100", "Orleans:Messaging:MaxMessageHeaderSize is 100" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=2147483647", "Orleans:Messaging:MaxMessageHeaderSize is 2147483647" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=1e3", "Orleans:Messaging:MaxMessageHeaderSize is '1e3'" },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public void BadMessageLimit_IsRefusedAtStart_NamingTheSetting(string argument, string expected)
    {
        var ex = Refused([argument]);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BodyLimit_FollowsTheEngineLimits_SmallerBatchesAllowASmallerLimit()
    {
        // 50 messages of at most 4 KiB: about 0.5 MB per batch, so the floor is the largest data response (~1 MB).
        var settings = Validate(["--OrleansRecovery:MaxBatchSize=50", "--OrleansRecovery:MaxPayloadBytes=4096",
            "--Orleans:Messaging:MaxMessageBodySize=2097152"]);
        Assert.Equal(2 * 1024 * 1024, settings.Messaging.MaxMessageBodySize);

        var ex = Refused(["--OrleansRecovery:MaxPayloadBytes=131072"]);
        Assert.Contains("Orleans:Messaging:MaxMessageBodySize is 41943040", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansRecovery:MaxPayloadBytes 131072", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHost_AppliesTheLimits_AndRefusesLimitsSetInCodeThatAreTooSmall_NamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        SiloHostBuilder.Configure(builder, "local", SiloConfigFiles.ConfigDirectory, ["--Orleans:Messaging:MaxMessageBodySize=50000000"]);
        using (var host = builder.Build())
        {
            var applied = host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
            Assert.Equal(50_000_000, applied.MaxMessageBodySize);
            Assert.Equal(1024 * 1024, applied.MaxMessageHeaderSize);
        }

        var bad = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        SiloHostBuilder.Configure(bad, "local", SiloConfigFiles.ConfigDirectory, []);
        bad.Services.PostConfigure<SiloMessagingOptions>(o => o.MaxMessageHeaderSize = 1_000);
        using var badHost = bad.Build();
        var ex = Assert.Throws<OptionsValidationException>(() => badHost.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value);
        Assert.Contains("Orleans:Messaging:MaxMessageHeaderSize is 1000", ex.Message, StringComparison.Ordinal);
    }

    // ---- TLS ----

    [Theory]
    [InlineData("local")]
    [InlineData("cluster")]
    [InlineData("compose")]
    public void Tls_IsOffInTheShippedProfiles(string profile)
    {
        var args = profile == "cluster" ? new[] { $"--Storage:ConnectionString={SiloConfigFiles.TestConnectionString}" } : [];
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, profile, args, includeEnvironment: false);

        var settings = SiloHostBuilder.Validate(configuration, profile, SiloConfigFiles.ConfigDirectory, _ => null);

        Assert.Null(settings.Tls);
    }

    [Fact]
    public void Tls_FromAPfxFile_WithThePasswordFromTheEnvironment_LoadsTheCertificate()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var settings = Validate(
            ["--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={path}", "--Orleans:Tls:RequireClientCertificate=true",
             $"--Orleans:Tls:TrustedThumbprints:0={certificate.Thumbprint}"],
            name => name == SiloTlsSettings.DefaultPasswordVariable ? Password : null);

        var tls = Assert.IsType<SiloTlsSettings>(settings.Tls);
        Assert.Equal(certificate.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.True(tls.RequireClientCertificate);
        Assert.Equal([certificate.Thumbprint], tls.TrustedThumbprints);
    }

    [Fact]
    public void Tls_PasswordVariable_CanBeRenamed_AndRelativePathsResolveAgainstTheConfigDirectory()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);
        var relative = Path.GetRelativePath(SiloConfigFiles.ConfigDirectory, path);

        var settings = Validate(
            ["--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={relative}", "--Orleans:Tls:CertificatePasswordVariable=MY_PFX_PASSWORD"],
            name => name == "MY_PFX_PASSWORD" ? Password : null);

        Assert.Equal(certificate.Thumbprint, settings.Tls?.Certificate.Thumbprint);
    }

    public static TheoryData<string, string[], string> BadTls => new()
    {
        { "no certificate", ["--Orleans:Tls:Enabled=true"], "set exactly one of Orleans:Tls:CertificatePath" },
        { "enabled not a bool", ["--Orleans:Tls:Enabled=yes"], "Orleans:Tls:Enabled is 'yes'" },
        { "missing file", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:CertificatePath=/nonexistent/silo.pfx"], "Orleans:Tls:CertificatePath is '/nonexistent/silo.pfx'; no file" },
        { "both sources", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:CertificatePath=x.pfx", "--Orleans:Tls:StoreSubject=CN=x"], "exactly one of" },
        { "bad thumbprint", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=nothing-here", "--Orleans:Tls:TrustedThumbprints:0=xyz"], "Orleans:Tls:TrustedThumbprints holds 'xyz'" },
        { "bad store name", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=x", "--Orleans:Tls:StoreName=Drawer"], "Orleans:Tls:StoreName is 'Drawer'" },
        { "bad timeout", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=x", "--Orleans:Tls:HandshakeTimeout=-00:00:01"], "Orleans:Tls:HandshakeTimeout is '-00:00:01'" },
        { "bad mutual flag", ["--Orleans:Tls:RequireClientCertificate=maybe"], "Orleans:Tls:RequireClientCertificate is 'maybe'" },
    };

    [Theory]
    [MemberData(nameof(BadTls))]
    public void BadTlsSetting_IsRefused_NamingTheSetting(string problem, string[] args, string expected)
    {
        var ex = Refused(args);

        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{problem}: {ex.Message}");
    }

    [Fact]
    public void Tls_WrongPassword_IsRefused_NamingTheVariable_WithoutEchoingThePassword()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var ex = Refused(["--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={path}"], _ => "not-the-password");

        Assert.Contains("Orleans:Tls:CertificatePath", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SiloTlsSettings.DefaultPasswordVariable, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_PasswordInConfiguration_IsRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var ex = Refused(["--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={path}", $"--Orleans:Tls:CertificatePassword={Password}"]);

        Assert.Contains("Orleans:Tls:CertificatePassword is set in configuration", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_ExpiredCertificate_IsRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var ex = Refused(["--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={path}"], _ => Password);

        Assert.Contains("not now", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_AcceptsAPinnedCertificateDespiteChainErrors_AndOtherwiseOnlyAFullyValidOne()
    {
        using var pinned = TestCertificates.CreateSelfSigned("CN=pinned");
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        var bySha1 = new SiloTlsSettings { Certificate = pinned, TrustedThumbprints = [pinned.Thumbprint] };
        var bySha256 = new SiloTlsSettings
        {
            Certificate = pinned,
            TrustedThumbprints = [pinned.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant()],
        };
        var unpinned = new SiloTlsSettings { Certificate = pinned };

        Assert.True(bySha1.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(bySha256.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(bySha1.Accepts(other, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(bySha1.Accepts(other, SslPolicyErrors.None));
        Assert.False(unpinned.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(unpinned.Accepts(pinned, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(unpinned.Accepts(pinned, SslPolicyErrors.None));
    }

    // ---- secrets ----

    [Fact]
    public void TheRepository_HoldsNoSecret_ButAzuritesPublishedDevelopmentKey()
    {
        var root = SiloConfigFiles.RepositoryRoot;
        var skip = new[] { "bin", "obj", "node_modules", ".git", "logs", "bench" };
        var textExtensions = new[] { ".cs", ".json", ".md", ".yml", ".yaml", ".sh", ".props", ".csproj", ".env", ".txt", ".config", ".xml" };
        var problems = new List<string>();
        foreach (var file in Enumerate(new DirectoryInfo(root), skip))
        {
            var relative = Path.GetRelativePath(root, file.FullName);
            if (file.Extension is ".pfx" or ".p12" or ".key" or ".pem")
            {
                problems.Add($"{relative}: key or certificate file");
                continue;
            }

            if (!textExtensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase) && file.Name != "Dockerfile")
            {
                continue;
            }

            var text = File.ReadAllText(file.FullName);
            foreach (Match key in Regex.Matches(text, "AccountKey=([A-Za-z0-9+/=]{20,})"))
            {
                if (key.Groups[1].Value != SiloConfigFiles.DevelopmentKey)
                {
                    problems.Add($"{relative}: an account key other than Azurite's development key");
                }
            }

            if (Regex.IsMatch(text, "-----BEGIN [A-Z ]*PRIVATE KEY-----") || Regex.IsMatch(text, "Shared" + "AccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}"))
            {
                problems.Add($"{relative}: a private key or shared access signature");
            }
        }

        Assert.Empty(problems);
    }

    private static IEnumerable<FileInfo> Enumerate(DirectoryInfo dir, string[] skip)
    {
        foreach (var file in dir.EnumerateFiles())
        {
            yield return file;
        }

        foreach (var sub in dir.EnumerateDirectories())
        {
            if (!skip.Contains(sub.Name, StringComparer.Ordinal))
            {
                foreach (var file in Enumerate(sub, skip))
                {
                    yield return file;
                }
            }
        }
    }
}
