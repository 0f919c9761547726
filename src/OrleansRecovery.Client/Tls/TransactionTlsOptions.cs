using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Client;

/// <summary>
/// TLS between the silos of an OrleansRecovery cluster and its clients, bound from <c>Orleans:Tls</c> and applied through
/// Orleans' <c>UseTls</c> (Microsoft.Orleans.Connections.Security). It adds only what Orleans lacks: a PFX file whose password
/// comes from an environment variable (never from configuration), thumbprint pinning, a target host, checks of the certificate
/// that name the key at fault, and a callback naming a refused certificate.
/// </summary>
/// <remarks>
/// A remote certificate is accepted when its chain and name validate (<see cref="TargetHost"/>), or when its SHA-1 or SHA-256
/// thumbprint is in <see cref="TrustedThumbprints"/>. For a silo the certificate is required; for a client it is the client
/// certificate, required only when the silos set <see cref="RequireClientCertificate"/>.
/// </remarks>
public sealed class TransactionTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orleans:Tls";

    /// <summary>The environment variable holding the PFX password when <see cref="CertificatePasswordVariable"/> is not set.</summary>
    public const string DefaultPasswordVariable = "ORLEANSRECOVERY_TLS_CERTIFICATE_PASSWORD";

    /// <summary>Encrypt and authenticate every silo and gateway connection. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>A PFX (PKCS#12) file with the certificate and its private key; relative to the configuration directory.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The environment variable holding the PFX password. Default <see cref="DefaultPasswordVariable"/>.</summary>
    public string CertificatePasswordVariable { get; set; } = DefaultPasswordVariable;

    /// <summary>Refused when set: a password never belongs in configuration (see <see cref="CertificatePasswordVariable"/>).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Instead of a file: the subject of a certificate in the store, loaded by Orleans' <c>UseTls</c>.</summary>
    public string? StoreSubject { get; set; }

    /// <summary>The store of <see cref="StoreSubject"/>. Default <c>My</c>.</summary>
    public StoreName StoreName { get; set; } = StoreName.My;

    /// <summary>The store location of <see cref="StoreSubject"/>. Default <c>CurrentUser</c>.</summary>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>Silos accept only clients presenting a certificate they accept (mutual TLS). Default false.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>The host name the silos' certificate is issued for, checked unless the certificate is pinned.</summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// SHA-1 or SHA-256 hex digests of remote certificates accepted whatever their chain or name (pinning). In configuration an
    /// array, or one value separated by commas (handy in environment variables).
    /// </summary>
    public IList<string> TrustedThumbprints { get; set; } = [];

    /// <summary>How long a TLS handshake may take. Default 10 s, at most 5 minutes.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The certificate to present, set in code instead of <see cref="CertificatePath"/>; the caller keeps ownership.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Called with a remote certificate that was refused and why; Orleans itself reports only that no gateway answered. Must not throw.
    /// </summary>
    public Action<X509Certificate2, SslPolicyErrors>? CertificateRefused { get; set; }

    /// <summary>The <c>Orleans:Tls</c> section of <paramref name="configuration"/>, or null when TLS is not enabled there.</summary>
    /// <exception cref="InvalidOperationException">A value does not convert; the message names its key.</exception>
    public static TransactionTlsOptions? FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = section.Get<TransactionTlsOptions>() ?? new TransactionTlsOptions();
        if (section["TrustedThumbprints"] is { Length: > 0 } single)
        {
            options.TrustedThumbprints = [.. single.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries)];
        }

        return options.Enabled ? options : null;
    }
}
