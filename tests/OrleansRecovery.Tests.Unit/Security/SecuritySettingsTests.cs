using System.Net.Security;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Client;
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
        Environment.SetEnvironmentVariable(PasswordVariable, null);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string PasswordVariable { get; } = "ORQ_TEST_SILO_PFX_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static IReadOnlyList<string> Refused(params string[] args)
    {
        var failures = SiloConfigFiles.Failures(null, args);
        Assert.NotEmpty(failures);
        return failures;
    }

    private static SiloMessagingOptions Messaging(params string[] args)
    {
        using var host = SiloConfigFiles.BuildSilo(null, args);
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
    }

    // ---- message size limits ----

    [Fact]
    public void ShippedConfiguration_LowersOrleansMessageLimits_AndStillFitsTheLargestLegalBatch()
    {
        var messaging = Messaging();

        Assert.Equal(40 * 1024 * 1024, messaging.MaxMessageBodySize);
        Assert.Equal(1024 * 1024, messaging.MaxMessageHeaderSize);
        Assert.True(messaging.MaxMessageBodySize < new SiloMessagingOptions().MaxMessageBodySize);
        Assert.True(messaging.MaxMessageHeaderSize < new SiloMessagingOptions().MaxMessageHeaderSize);
        var required = SiloMessagingLimits.RequiredBodySize(new TransactionRecoveryOptions());
        Assert.InRange(required, 32L * 1024 * 1024, messaging.MaxMessageBodySize);
    }

    public static TheoryData<string, string> BadLimits => new()
    {
        { "--Orleans:Messaging:MaxMessageBodySize=0", "Orleans:Messaging:MaxMessageBodySize is 0" },
        { "--Orleans:Messaging:MaxMessageBodySize=-5", "Orleans:Messaging:MaxMessageBodySize is -5" },
        { "--Orleans:Messaging:MaxMessageBodySize=lots", "Orleans:Messaging:MaxMessageBodySize" },
        { "--Orleans:Messaging:MaxMessageBodySize=1048576", "a legal batch needs up to" },
        { "--Orleans:Messaging:MaxMessageBodySize=209715200", "Orleans:Messaging:MaxMessageBodySize is 209715200" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=100", "Orleans:Messaging:MaxMessageHeaderSize is 100" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=2147483647", "Orleans:Messaging:MaxMessageHeaderSize is 2147483647" },
        { "--Orleans:Messaging:MaxMessageHeaderSize=1e3", "Orleans:Messaging:MaxMessageHeaderSize" },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public void BadMessageLimit_IsRefusedAtStart_NamingTheSetting(string argument, string expected)
    {
        Assert.Contains(Refused(argument), f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BodyLimit_FollowsTheEngineLimits_SmallerBatchesAllowASmallerLimit()
    {
        // 50 messages of at most 4 KiB: about 0.5 MB per batch, so the floor is the largest data response (~1 MB).
        var messaging = Messaging("--OrleansRecovery:MaxBatchSize=50", "--OrleansRecovery:MaxPayloadBytes=4096", "--Orleans:Messaging:MaxMessageBodySize=2097152");
        Assert.Equal(2 * 1024 * 1024, messaging.MaxMessageBodySize);

        var failure = Assert.Single(Refused("--OrleansRecovery:MaxPayloadBytes=131072"));
        Assert.Contains("Orleans:Messaging:MaxMessageBodySize is 41943040", failure, StringComparison.Ordinal);
        Assert.Contains("OrleansRecovery:MaxPayloadBytes 131072", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void LimitsSetInCodeThatAreTooSmall_AreRefused_NamingTheSetting()
    {
        var bad = SiloHost.CreateBuilder(["--contentRoot", SiloConfigFiles.ConfigDirectory]).ConfigureSilo();
        bad.Services.PostConfigure<SiloMessagingOptions>(o => o.MaxMessageHeaderSize = 1_000);
        using var badHost = SiloHost.Build(bad);

        var ex = Assert.Throws<OptionsValidationException>(() => badHost.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value);
        Assert.Contains("Orleans:Messaging:MaxMessageHeaderSize is 1000", ex.Message, StringComparison.Ordinal);
    }

    // ---- TLS ----

    [Theory]
    [InlineData(null)]
    [InlineData("Cluster")]
    [InlineData("Compose")]
    public void Tls_IsOffInTheShippedEnvironments(string? environment)
    {
        using var host = SiloConfigFiles.BuildSilo(environment);

        Assert.Null(TransactionTlsOptions.FromConfiguration(host.Services.GetRequiredService<IConfiguration>()));
    }

    [Fact]
    public void Tls_FromAPfxFile_WithThePasswordFromTheEnvironment_LoadsTheCertificate()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);
        var options = new TransactionTlsOptions { Enabled = true, CertificatePath = path, CertificatePasswordVariable = PasswordVariable };

        Assert.Empty(TransactionTls.Validate(options, TransactionTlsRole.Silo, environment: name => name == PasswordVariable ? Password : null));
        Assert.Contains("Orleans:Tls:CertificatePath", Assert.Single(TransactionTls.Validate(options, TransactionTlsRole.Silo, environment: _ => null)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_OnTheSilo_WithAPfxAndItsPasswordVariable_Builds_AndRelativePathsResolveAgainstTheConfigDirectory()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);
        var relative = Path.GetRelativePath(SiloConfigFiles.ConfigDirectory, path);
        Environment.SetEnvironmentVariable(PasswordVariable, Password);

        Assert.Empty(SiloConfigFiles.Failures(null, "--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={relative}",
            $"--Orleans:Tls:CertificatePasswordVariable={PasswordVariable}", "--Orleans:Tls:RequireClientCertificate=true",
            $"--Orleans:Tls:TrustedThumbprints:0={certificate.Thumbprint}"));
    }

    public static TheoryData<string, string[], string> BadTls => new()
    {
        { "no certificate", ["--Orleans:Tls:Enabled=true"], "set exactly one of Orleans:Tls:CertificatePath" },
        { "enabled not a bool", ["--Orleans:Tls:Enabled=yes"], "Orleans:Tls:Enabled" },
        { "missing file", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:CertificatePath=/nonexistent/silo.pfx"], "Orleans:Tls:CertificatePath is '/nonexistent/silo.pfx'; no file" },
        { "both sources", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:CertificatePath=x.pfx", "--Orleans:Tls:StoreSubject=CN=x"], "exactly one of" },
        { "bad thumbprint", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=nothing-here", "--Orleans:Tls:TrustedThumbprints:0=xyz"], "Orleans:Tls:TrustedThumbprints holds 'xyz'" },
        { "bad store name", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=x", "--Orleans:Tls:StoreName=Drawer"], "Orleans:Tls:StoreName" },
        { "bad timeout", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:StoreSubject=CN=x", "--Orleans:Tls:HandshakeTimeout=-00:00:01"], "Orleans:Tls:HandshakeTimeout is -00:00:01" },
        { "bad mutual flag", ["--Orleans:Tls:Enabled=true", "--Orleans:Tls:RequireClientCertificate=maybe"], "Orleans:Tls:RequireClientCertificate" },
    };

    [Theory]
    [MemberData(nameof(BadTls))]
    public void BadTlsSetting_IsRefused_NamingTheSetting(string problem, string[] args, string expected)
    {
        var failures = Refused(args);

        Assert.True(failures.Any(f => f.Contains(expected, StringComparison.Ordinal)), $"{problem}: {string.Join(" | ", failures)}");
    }

    [Fact]
    public void Tls_WrongPassword_IsRefused_NamingTheVariable_WithoutEchoingThePassword()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var failure = Assert.Single(TransactionTls.Validate(new TransactionTlsOptions { Enabled = true, CertificatePath = path },
            TransactionTlsRole.Silo, environment: _ => "not-the-password"));

        Assert.Contains("Orleans:Tls:CertificatePath", failure, StringComparison.Ordinal);
        Assert.Contains(TransactionTlsOptions.DefaultPasswordVariable, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_PasswordInConfiguration_IsRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var failures = Refused("--Orleans:Tls:Enabled=true", $"--Orleans:Tls:CertificatePath={path}", $"--Orleans:Tls:CertificatePassword={Password}");

        Assert.Contains(failures, f => f.Contains("Orleans:Tls:CertificatePassword is set in configuration", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public void Tls_ExpiredCertificate_IsRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var path = TestCertificates.WritePfx(certificate, _directory, Password);

        var failures = TransactionTls.Validate(new TransactionTlsOptions { Enabled = true, CertificatePath = path }, TransactionTlsRole.Silo, environment: _ => Password);

        Assert.Contains(failures, f => f.Contains("not now", StringComparison.Ordinal));
    }

    [Fact]
    public void Tls_AcceptsAPinnedCertificateDespiteChainErrors_AndOtherwiseOnlyAFullyValidOne()
    {
        using var pinned = TestCertificates.CreateSelfSigned("CN=pinned");
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        string[] bySha1 = [pinned.Thumbprint];
        string[] bySha256 = [pinned.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant()];

        Assert.True(TransactionTls.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors, bySha1));
        Assert.True(TransactionTls.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, bySha256));
        Assert.False(TransactionTls.Accepts(other, SslPolicyErrors.RemoteCertificateChainErrors, bySha1));
        Assert.True(TransactionTls.Accepts(other, SslPolicyErrors.None, bySha1));
        Assert.False(TransactionTls.Accepts(pinned, SslPolicyErrors.RemoteCertificateChainErrors, []));
        Assert.False(TransactionTls.Accepts(pinned, SslPolicyErrors.RemoteCertificateNameMismatch, []));
        Assert.True(TransactionTls.Accepts(pinned, SslPolicyErrors.None, []));
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
