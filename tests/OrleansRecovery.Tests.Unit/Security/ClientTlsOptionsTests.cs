using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;
using OrleansRecovery.Client;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Unit.Security;

/// <summary>
/// The client package's TLS settings: <see cref="TransactionClientTlsOptions"/> names every property at fault;
/// <see cref="TransactionTlsSection"/> read for a client (the silo-config keys) differs from the silo's reading only where a
/// client differs (the certificate is optional unless client certificates are required; which silos to trust must be said);
/// and the shared acceptance rule is the one the silo applies.
/// </summary>
public sealed class ClientTlsOptionsTests : IDisposable
{
    private const string Password = "test-only-password";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orq-ctls-unit-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned("CN=client");

    public void Dispose()
    {
        _certificate.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // ---- TransactionClientTlsOptions ----

    [Fact]
    public void GoodOptions_HaveNoProblems_AndBuildOrleansOptionsThatPresentTheCertificateAndRequireTheSilos()
    {
        var options = new TransactionClientTlsOptions
        {
            ClientCertificate = _certificate,
            TargetHost = "silos.example",
            HandshakeTimeout = TimeSpan.FromSeconds(3),
        };

        Assert.Empty(options.Validate());
        var tls = options.CreateTlsOptions();
        Assert.Same(_certificate, tls.LocalCertificate);
        Assert.Equal(RemoteCertificateMode.RequireCertificate, tls.RemoteCertificateMode);
        Assert.Equal(TimeSpan.FromSeconds(3), tls.HandshakeTimeout);
        Assert.NotNull(tls.OnAuthenticateAsClient);
    }

    [Fact]
    public void APinWithColonsAndLowerCase_IsAccepted_AndNoClientCertificateIsNeeded()
    {
        var pin = string.Join(':', Enumerable.Range(0, 20).Select(i => _certificate.Thumbprint.Substring(i * 2, 2))).ToLowerInvariant();
        var options = new TransactionClientTlsOptions { TrustedThumbprints = [pin] };

        Assert.Empty(options.Validate());
        var tls = options.CreateTlsOptions();
        Assert.Null(tls.LocalCertificate);
        Assert.True(tls.RemoteCertificateValidation!(_certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    public static TheoryData<string, Func<ClientTlsOptionsTests, TransactionClientTlsOptions>, string> BadOptions => new()
    {
        { "no trust", _ => new TransactionClientTlsOptions(),
            "TransactionClientTlsOptions: set TargetHost (the name the silos' certificate is issued for) or TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust." },
        { "bad pin", _ => new TransactionClientTlsOptions { TrustedThumbprints = ["abc"] },
            "TransactionClientTlsOptions.TrustedThumbprints holds 'abc'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate." },
        { "zero timeout", _ => new TransactionClientTlsOptions { TargetHost = "h", HandshakeTimeout = TimeSpan.Zero },
            "TransactionClientTlsOptions.HandshakeTimeout is 00:00:00; it must be more than zero and at most 00:05:00." },
        { "long timeout", _ => new TransactionClientTlsOptions { TargetHost = "h", HandshakeTimeout = TimeSpan.FromMinutes(6) },
            "TransactionClientTlsOptions.HandshakeTimeout is 00:06:00; it must be more than zero and at most 00:05:00." },
        { "both certificates", t => new TransactionClientTlsOptions { TargetHost = "h", ClientCertificate = t._certificate, ClientCertificatePath = "x.pfx" },
            "TransactionClientTlsOptions: set ClientCertificate or ClientCertificatePath, not both." },
        { "password without file", _ => new TransactionClientTlsOptions { TargetHost = "h", ClientCertificatePassword = "p" },
            "TransactionClientTlsOptions.ClientCertificatePassword is set but ClientCertificatePath is not; the password is for the PFX file named there." },
        { "missing file", _ => new TransactionClientTlsOptions { TargetHost = "h", ClientCertificatePath = "/nonexistent/client.pfx" },
            "TransactionClientTlsOptions.ClientCertificatePath is '/nonexistent/client.pfx'; no file at '/nonexistent/client.pfx'." },
        { "no private key", t => new TransactionClientTlsOptions { TargetHost = "h", ClientCertificate = t.PublicPartOnly() },
            "has no private key; a client needs one to present it to the silos." },
        { "server-only usage", t => new TransactionClientTlsOptions { TargetHost = "h", ClientCertificate = ServerOnly() },
            "is not meant for client authentication (its enhanced key usage lacks Client Authentication, 1.3.6.1.5.5.7.3.2), so it would not be presented to the silos." },
        { "expired", _ => new TransactionClientTlsOptions
            {
                TargetHost = "h",
                ClientCertificate = TestCertificates.CreateSelfSigned(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1)),
            },
            ", not now." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptions_AreRefused_NamingTheProperty(string problem, Func<ClientTlsOptionsTests, TransactionClientTlsOptions> create, string expected)
    {
        var options = create(this);

        var problems = options.Validate();
        var error = Assert.Throws<OptionsValidationException>(() => options.CreateTlsOptions());

        Assert.True(problems.Count == 1 && problems[0].Contains(expected, StringComparison.Ordinal), $"{problem}: {string.Join(" | ", problems)}");
        Assert.Equal(problems, error.Failures);
        Assert.Equal(nameof(TransactionClientTlsOptions), error.OptionsName);
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce()
    {
        var options = new TransactionClientTlsOptions { TrustedThumbprints = ["nope"], HandshakeTimeout = TimeSpan.FromSeconds(-1), ClientCertificatePassword = "p" };

        var problems = options.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("TransactionClientTlsOptions.TrustedThumbprints holds 'nope'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("TransactionClientTlsOptions.HandshakeTimeout is -00:00:01", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("TransactionClientTlsOptions.ClientCertificatePassword is set", StringComparison.Ordinal));
    }

    [Fact]
    public void APfxFile_IsLoadedWithItsPassword_AndAWrongPasswordIsNamedWithoutBeingEchoed()
    {
        var path = TestCertificates.WritePfx(_certificate, _directory, Password, "client.pfx");
        var good = new TransactionClientTlsOptions { TargetHost = "h", ClientCertificatePath = path, ClientCertificatePassword = Password };
        var wrong = new TransactionClientTlsOptions { TargetHost = "h", ClientCertificatePath = path, ClientCertificatePassword = "not-the-password" };
        var none = new TransactionClientTlsOptions { TargetHost = "h", ClientCertificatePath = path };

        Assert.Equal(_certificate.Thumbprint, good.CreateTlsOptions().LocalCertificate?.Thumbprint);
        var wrongProblem = Assert.Single(wrong.Validate());
        Assert.StartsWith($"TransactionClientTlsOptions.ClientCertificatePath '{path}' could not be loaded (", wrongProblem, StringComparison.Ordinal);
        Assert.EndsWith("check the file and TransactionClientTlsOptions.ClientCertificatePassword.", wrongProblem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrongProblem, StringComparison.Ordinal);
        Assert.EndsWith("TransactionClientTlsOptions.ClientCertificatePassword (not set).", Assert.Single(none.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusedSiloCertificate_IsReportedToTheCallback_WithTheReasons()
    {
        using var silo = TestCertificates.CreateSelfSigned("CN=silo");
        var refused = new List<(string, SslPolicyErrors)>();
        var options = new TransactionClientTlsOptions
        {
            TargetHost = "localhost",
            SiloCertificateRefused = (certificate, errors) => refused.Add((certificate.Subject, errors)),
        };
        var validate = options.CreateTlsOptions().RemoteCertificateValidation!;

        Assert.False(validate(silo, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(validate(silo, null, SslPolicyErrors.None));

        Assert.Equal([("CN=silo", SslPolicyErrors.RemoteCertificateChainErrors)], refused);
    }

    // ---- the Orleans:Tls section read for a client ----

    [Fact]
    public void Section_Off_IsNull_WithoutProblems()
    {
        var failures = new List<string>();

        Assert.Null(TransactionTlsSection.Read(Config(("Enabled", "false"), ("CertificatePath", "ignored.pfx")), TransactionTlsRole.Client, failures));
        Assert.Empty(failures);
    }

    [Fact]
    public void Section_ForAClient_NeedsNoCertificate_UnlessTheSilosRequireOne()
    {
        var withoutCertificate = new List<string>();
        var required = new List<string>();

        var section = TransactionTlsSection.Read(Config(("Enabled", "true"), ("TargetHost", "silos.example")), TransactionTlsRole.Client, withoutCertificate);
        var refused = TransactionTlsSection.Read(Config(("Enabled", "true"), ("TargetHost", "silos.example"), ("RequireClientCertificate", "true")),
            TransactionTlsRole.Client, required);

        Assert.Empty(withoutCertificate);
        Assert.NotNull(section);
        Assert.Null(section.Certificate);
        Assert.Equal("silos.example", section.ToClientOptions().TargetHost);
        Assert.Null(refused);
        Assert.Equal(
            ["Orleans:Tls:RequireClientCertificate is true, so the silos accept only clients with a certificate: set Orleans:Tls:CertificatePath (a PFX file) or Orleans:Tls:StoreSubject (a certificate in the store)."],
            required);
    }

    [Fact]
    public void Section_ForAClient_MustSayWhichSilosToTrust_ButForASiloItNeedNot()
    {
        var path = TestCertificates.WritePfx(_certificate, _directory, Password, "client.pfx");
        var config = Config(("Enabled", "true"), ("CertificatePath", path));
        var client = new List<string>();
        var silo = new List<string>();

        Assert.Null(TransactionTlsSection.Read(config, TransactionTlsRole.Client, client, _ => Password));
        Assert.NotNull(TransactionTlsSection.Read(config, TransactionTlsRole.Silo, silo, _ => Password));

        Assert.Equal(
            ["Orleans:Tls:Enabled is true, so set Orleans:Tls:TargetHost (the name the silos' certificate is issued for) or Orleans:Tls:TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust."],
            client);
        Assert.Empty(silo);
    }

    [Fact]
    public void Section_PinsFromOneValue_AreSplitAndNormalized_LikeTheSilos()
    {
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        var colons = string.Join(':', Enumerable.Range(0, 20).Select(i => other.Thumbprint.Substring(i * 2, 2)));
        var failures = new List<string>();

        var section = TransactionTlsSection.Read(Config(("Enabled", "true"), ("TrustedThumbprints", $"{_certificate.Thumbprint}, {colons}")),
            TransactionTlsRole.Client, failures);

        Assert.Empty(failures);
        Assert.Equal([_certificate.Thumbprint, other.Thumbprint], section?.TrustedThumbprints);
    }

    // ---- the shared rule ----

    [Fact]
    public void Accepts_APinnedCertificateDespiteErrors_AndOtherwiseOnlyAFullyValidOne()
    {
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        var sha256 = _certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();
        const SslPolicyErrors Broken = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.True(TransactionTlsCertificates.Accepts(_certificate, Broken, [_certificate.Thumbprint]));
        Assert.True(TransactionTlsCertificates.Accepts(_certificate, Broken, [sha256]));
        Assert.False(TransactionTlsCertificates.Accepts(other, Broken, [_certificate.Thumbprint]));
        Assert.True(TransactionTlsCertificates.Accepts(other, SslPolicyErrors.None, [_certificate.Thumbprint]));
        Assert.False(TransactionTlsCertificates.Accepts(_certificate, SslPolicyErrors.RemoteCertificateNameMismatch, []));
    }

    private static IConfiguration Config(params (string Key, string Value)[] tls) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(tls.Select(t => new KeyValuePair<string, string?>($"Orleans:Tls:{t.Key}", t.Value)))
            .Build();

    private X509Certificate2 PublicPartOnly() => X509CertificateLoader.LoadCertificate(_certificate.Export(X509ContentType.Cert));

    /// <summary>A certificate whose enhanced key usage is Server Authentication only.</summary>
    private static X509Certificate2 ServerOnly()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=server-only", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
