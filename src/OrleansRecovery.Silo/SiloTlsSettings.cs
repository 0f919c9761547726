using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Connections.Security;
using OrleansRecovery.Client;

namespace OrleansRecovery.Silo;

/// <summary>
/// TLS for silo-to-silo and client-to-silo connections (<c>Orleans:Tls</c>), read and checked by
/// <see cref="SiloHostBuilder.Validate"/>. Off unless <c>Orleans:Tls:Enabled</c> is true. The certificate comes from a PFX file
/// (<c>CertificatePath</c>, password in the environment variable named by <c>CertificatePasswordVariable</c>) or from the
/// certificate store (<c>StoreSubject</c>, <c>StoreName</c>, <c>StoreLocation</c>). Silos always authenticate each other
/// (both present the certificate); clients must present one too when <c>RequireClientCertificate</c> is true (mutual TLS).
/// A remote certificate is accepted when its chain and name validate (<c>TargetHost</c> names the host the certificate is
/// issued for), or when its thumbprint is one of <c>TrustedThumbprints</c> (pinning, e.g. a self-signed certificate).
/// </summary>
/// <remarks>
/// Reading the section and the acceptance rule are shared with clients (<see cref="TransactionTlsSection"/> and
/// <see cref="TransactionTlsCertificates"/> in OrleansRecovery.Client), so that a silo and its clients cannot disagree.
/// Clients should use <c>IClientBuilder.UseTransactionRecoveryTls</c>.
/// </remarks>
public sealed class SiloTlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = TransactionTlsSection.Section;

    /// <summary>The environment variable holding the PFX password when <c>CertificatePasswordVariable</c> is not set.</summary>
    public const string DefaultPasswordVariable = TransactionTlsSection.DefaultPasswordVariable;

    /// <summary>The certificate this process presents (with its private key).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary><c>Orleans:Tls:RequireClientCertificate</c>: clients must present a certificate the silo accepts (mutual TLS).</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// <c>Orleans:Tls:TrustedThumbprints</c>: SHA-1 (the usual "thumbprint") or SHA-256 hex digests of remote certificates accepted
    /// whatever their chain or name (pinning).
    /// </summary>
    public IReadOnlyList<string> TrustedThumbprints { get; init; } = [];

    /// <summary><c>Orleans:Tls:TargetHost</c>: the host name the remote certificate must be issued for, when not pinned.</summary>
    public string? TargetHost { get; init; }

    /// <summary><c>Orleans:Tls:HandshakeTimeout</c>: how long a TLS handshake may take (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TransactionTlsCertificates.DefaultHandshakeTimeout;

    /// <summary>
    /// Reads and checks <c>Orleans:Tls</c>. Returns null when TLS is off; adds one failure per bad setting, each naming it, and
    /// loads the certificate so that a wrong path, password or subject stops the host before it starts.
    /// </summary>
    /// <param name="configuration">The whole configuration.</param>
    /// <param name="failures">Where problems are added.</param>
    /// <param name="environment">Reads environment variables (the PFX password); default <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="baseDirectory">Relative certificate paths are resolved against it (default: the working directory).</param>
    public static SiloTlsSettings? Load(IConfiguration configuration, List<string> failures, Func<string, string?>? environment = null,
        string? baseDirectory = null)
    {
        var section = TransactionTlsSection.Read(configuration, TransactionTlsRole.Silo, failures, environment, baseDirectory);

        // For a silo the shared reader returns a section only with a certificate; anything else was reported as a failure.
        return section?.Certificate is not { } certificate
            ? null
            : new SiloTlsSettings
            {
                Certificate = certificate,
                RequireClientCertificate = section.RequireClientCertificate,
                TrustedThumbprints = section.TrustedThumbprints,
                TargetHost = section.TargetHost,
                HandshakeTimeout = section.HandshakeTimeout,
            };
    }

    /// <summary>
    /// Switches TLS on for every connection of the silo: inbound from silos (a certificate is required), inbound from clients
    /// (required when <see cref="RequireClientCertificate"/>) and outbound to silos (this certificate is presented).
    /// </summary>
    public void ApplyTo(ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var fromSilos = CreateOptions(RemoteCertificateMode.RequireCertificate);
        var fromClients = CreateOptions(RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate);
        var toSilos = CreateOptions(RemoteCertificateMode.RequireCertificate);
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => c.UseServerTls(fromSilos));
            o.ConfigureGatewayInboundConnection(c => c.UseServerTls(fromClients));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(toSilos));
        });
    }

    /// <summary>
    /// Switches TLS on for a client of a silo configured with these settings: the silo's certificate is checked the same way, and
    /// the client presents <see cref="Certificate"/> (needed when the silos require client certificates). Front-end services
    /// should use <c>IClientBuilder.UseTransactionRecoveryTls</c> (OrleansRecovery.Client), which applies the same rule.
    /// </summary>
    public void ApplyTo(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = CreateOptions(RemoteCertificateMode.RequireCertificate);
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.UseClientTls(options)));
    }

    /// <summary>True when <paramref name="certificate"/> is accepted as the other end of a connection.</summary>
    public bool Accepts(X509Certificate2 certificate, SslPolicyErrors errors) =>
        TransactionTlsCertificates.Accepts(certificate, errors, TrustedThumbprints);

    private TlsOptions CreateOptions(RemoteCertificateMode remote) =>
        TransactionTlsCertificates.CreateTlsOptions(Certificate, remote, TargetHost, TrustedThumbprints, HandshakeTimeout);
}
