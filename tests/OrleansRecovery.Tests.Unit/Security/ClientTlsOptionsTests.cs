using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;
using OrleansRecovery.Client;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Unit.Security;

/// <summary>
/// The client package's TLS settings: <see cref="TransactionTlsOptions"/> (bound from <c>Orleans:Tls</c> or set in code) checked
/// for a client names every key at fault and differs from the silo's checks only where a client differs (the certificate is
/// optional unless client certificates are required; which silos to trust must be said); the acceptance rule is the silo's.
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

    private static IReadOnlyList<string> Problems(TransactionTlsOptions options, Func<string, string?>? environment = null) =>
        TransactionTls.Validate(options, TransactionTlsRole.Client, environment: environment ?? (_ => null));

    private static TlsOptions Tls(TransactionTlsOptions options, X509Certificate2? certificate = null)
    {
        var tls = new TlsOptions();
        TransactionTls.Configure(tls, options, certificate ?? options.Certificate, RemoteCertificateMode.RequireCertificate);
        return tls;
    }

    // ---- options set in code ----

    [Fact]
    public void GoodOptions_HaveNoProblems_AndBuildOrleansOptionsThatPresentTheCertificateAndRequireTheSilos()
    {
        var options = new TransactionTlsOptions { Enabled = true, Certificate = _certificate, TargetHost = "silos.example", HandshakeTimeout = TimeSpan.FromSeconds(3) };

        Assert.Empty(Problems(options));
        var tls = Tls(options);
        Assert.Same(_certificate, tls.LocalCertificate);
        Assert.Equal(RemoteCertificateMode.RequireCertificate, tls.RemoteCertificateMode);
        Assert.Equal(TimeSpan.FromSeconds(3), tls.HandshakeTimeout);
        Assert.NotNull(tls.OnAuthenticateAsClient);
    }

    [Fact]
    public void APinWithColonsAndLowerCase_IsAccepted_AndNoClientCertificateIsNeeded()
    {
        var pin = string.Join(':', Enumerable.Range(0, 20).Select(i => _certificate.Thumbprint.Substring(i * 2, 2))).ToLowerInvariant();
        var options = new TransactionTlsOptions { Enabled = true, TrustedThumbprints = [pin] };

        Assert.Empty(Problems(options));
        var tls = Tls(options);
        Assert.Null(tls.LocalCertificate);
        Assert.True(tls.RemoteCertificateValidation!(_certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    public static TheoryData<string, Func<ClientTlsOptionsTests, TransactionTlsOptions>, string> BadOptions => new()
    {
        { "no trust", _ => new TransactionTlsOptions(),
            "Orleans:Tls:Enabled is true, so set Orleans:Tls:TargetHost (the name the silos' certificate is issued for) or Orleans:Tls:TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust." },
        { "bad pin", _ => new TransactionTlsOptions { TrustedThumbprints = ["abc"] },
            "Orleans:Tls:TrustedThumbprints holds 'abc'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate." },
        { "zero timeout", _ => new TransactionTlsOptions { TargetHost = "h", HandshakeTimeout = TimeSpan.Zero },
            "Orleans:Tls:HandshakeTimeout is 00:00:00; it must be more than zero and at most 00:05:00." },
        { "long timeout", _ => new TransactionTlsOptions { TargetHost = "h", HandshakeTimeout = TimeSpan.FromMinutes(6) },
            "Orleans:Tls:HandshakeTimeout is 00:06:00; it must be more than zero and at most 00:05:00." },
        { "both certificates", t => new TransactionTlsOptions { TargetHost = "h", Certificate = t._certificate, CertificatePath = "x.pfx" },
            "set exactly one of Orleans:Tls:CertificatePath (a PFX file) and Orleans:Tls:StoreSubject (a certificate in the store)." },
        { "password in configuration", _ => new TransactionTlsOptions { TargetHost = "h", CertificatePassword = "p" },
            "Orleans:Tls:CertificatePassword is set in configuration; never store the password there." },
        { "missing file", _ => new TransactionTlsOptions { TargetHost = "h", CertificatePath = "/nonexistent/client.pfx" },
            "Orleans:Tls:CertificatePath is '/nonexistent/client.pfx'; no file at '/nonexistent/client.pfx'." },
        { "no private key", t => new TransactionTlsOptions { TargetHost = "h", Certificate = t.PublicPartOnly() },
            "has no private key; a client needs one to present it to the silos." },
        { "server-only usage", _ => new TransactionTlsOptions { TargetHost = "h", Certificate = ServerOnly() },
            "is not meant for client authentication (its enhanced key usage lacks Client Authentication, 1.3.6.1.5.5.7.3.2), so it would not be presented to the silos." },
        { "expired", _ => new TransactionTlsOptions
            {
                TargetHost = "h",
                Certificate = TestCertificates.CreateSelfSigned(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1)),
            },
            ", not now." },
        { "required but none", _ => new TransactionTlsOptions { TargetHost = "h", RequireClientCertificate = true },
            "Orleans:Tls:RequireClientCertificate is true, so the silos accept only clients with a certificate: set Orleans:Tls:CertificatePath (a PFX file) or Orleans:Tls:StoreSubject (a certificate in the store)." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptions_AreRefused_NamingTheKey(string problem, Func<ClientTlsOptionsTests, TransactionTlsOptions> create, string expected)
    {
        var options = create(this);
        options.Enabled = true;

        var problems = Problems(options);
        var error = Assert.Throws<OptionsValidationException>(() =>
            Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true })
                .UseOrleansClient(client => client.UseTransactionRecoveryTls(options)));

        Assert.True(problems.Count == 1 && problems[0].Contains(expected, StringComparison.Ordinal), $"{problem}: {string.Join(" | ", problems)}");
        Assert.Equal(problems, error.Failures);
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce()
    {
        var problems = Problems(new TransactionTlsOptions { Enabled = true, TrustedThumbprints = ["nope"], HandshakeTimeout = TimeSpan.FromSeconds(-1), CertificatePassword = "p" });

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Orleans:Tls:TrustedThumbprints holds 'nope'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Orleans:Tls:HandshakeTimeout is -00:00:01", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Orleans:Tls:CertificatePassword is set", StringComparison.Ordinal));
    }

    [Fact]
    public void APfxFile_IsLoadedWithThePasswordFromItsVariable_AndAWrongPasswordIsNamedWithoutBeingEchoed()
    {
        var path = TestCertificates.WritePfx(_certificate, _directory, Password, "client.pfx");
        var options = new TransactionTlsOptions { Enabled = true, TargetHost = "h", CertificatePath = path, CertificatePasswordVariable = "PFX" };

        Assert.Empty(Problems(options, v => v == "PFX" ? Password : null));
        var wrongProblem = Assert.Single(Problems(options, _ => "not-the-password"));
        Assert.StartsWith($"Orleans:Tls:CertificatePath '{path}' could not be loaded (", wrongProblem, StringComparison.Ordinal);
        Assert.EndsWith("check the file and the password in the environment variable PFX.", wrongProblem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrongProblem, StringComparison.Ordinal);
        Assert.EndsWith("the environment variable PFX (not set).", Assert.Single(Problems(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusedSiloCertificate_IsReportedToTheCallback_WithTheReasons()
    {
        using var silo = TestCertificates.CreateSelfSigned("CN=silo");
        var refused = new List<(string, SslPolicyErrors)>();
        var options = new TransactionTlsOptions
        {
            Enabled = true,
            TargetHost = "localhost",
            CertificateRefused = (certificate, errors) => refused.Add((certificate.Subject, errors)),
        };

        var validate = Tls(options).RemoteCertificateValidation!;

        Assert.False(validate(silo, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(validate(silo, null, SslPolicyErrors.None));
        Assert.Equal([("CN=silo", SslPolicyErrors.RemoteCertificateChainErrors)], refused);
    }

    // ---- the Orleans:Tls section ----

    [Fact]
    public void Section_Off_IsNull()
    {
        Assert.Null(TransactionTlsOptions.FromConfiguration(Config(("Enabled", "false"), ("CertificatePath", "ignored.pfx"))));
    }

    [Fact]
    public void Section_ForAClient_MustSayWhichSilosToTrust_ButForASiloItNeedNot()
    {
        var path = TestCertificates.WritePfx(_certificate, _directory, Password, "client.pfx");
        var options = TransactionTlsOptions.FromConfiguration(Config(("Enabled", "true"), ("CertificatePath", path)))!;

        Assert.Equal(
            ["Orleans:Tls:Enabled is true, so set Orleans:Tls:TargetHost (the name the silos' certificate is issued for) or Orleans:Tls:TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust."],
            TransactionTls.Validate(options, TransactionTlsRole.Client, environment: _ => Password));
        Assert.Empty(TransactionTls.Validate(options, TransactionTlsRole.Silo, environment: _ => Password));
    }

    [Fact]
    public void Section_PinsFromOneValue_AreSplit_AndAcceptedWithTheirSeparators()
    {
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        var colons = string.Join(':', Enumerable.Range(0, 20).Select(i => other.Thumbprint.Substring(i * 2, 2)));

        var options = TransactionTlsOptions.FromConfiguration(Config(("Enabled", "true"), ("TrustedThumbprints", $"{_certificate.Thumbprint}, {colons}")))!;

        Assert.Empty(Problems(options));
        Assert.Equal([_certificate.Thumbprint, colons], options.TrustedThumbprints);
        Assert.True(TransactionTls.Accepts(other, SslPolicyErrors.RemoteCertificateChainErrors, options.TrustedThumbprints));
    }

    // ---- the shared rule ----

    [Fact]
    public void Accepts_APinnedCertificateDespiteErrors_AndOtherwiseOnlyAFullyValidOne()
    {
        using var other = TestCertificates.CreateSelfSigned("CN=other");
        var sha256 = _certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();
        const SslPolicyErrors Broken = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.True(TransactionTls.Accepts(_certificate, Broken, [_certificate.Thumbprint]));
        Assert.True(TransactionTls.Accepts(_certificate, Broken, [sha256]));
        Assert.False(TransactionTls.Accepts(other, Broken, [_certificate.Thumbprint]));
        Assert.True(TransactionTls.Accepts(other, SslPolicyErrors.None, [_certificate.Thumbprint]));
        Assert.False(TransactionTls.Accepts(_certificate, SslPolicyErrors.RemoteCertificateNameMismatch, []));
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
