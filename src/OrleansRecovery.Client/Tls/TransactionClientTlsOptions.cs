using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace OrleansRecovery.Client;

/// <summary>
/// How a client (a front-end service, an operator tool) connects to an OrleansRecovery cluster whose silos have TLS on
/// (<c>Orleans:Tls:Enabled</c>). Pass it to <c>IClientBuilder.UseTransactionRecoveryTls</c>.
/// </summary>
/// <remarks>
/// <para>The silos' certificate is accepted by the same rule the silos apply to each other
/// (<see cref="TransactionTlsCertificates.Accepts"/>): its chain validates against this machine's trusted roots and it is issued
/// for <see cref="TargetHost"/>, or its thumbprint is in <see cref="TrustedThumbprints"/>. At least one of the two must be set.</para>
/// <para>A client certificate (<see cref="ClientCertificate"/>, or a PFX file in <see cref="ClientCertificatePath"/>) is needed
/// when the silos require one (<c>Orleans:Tls:RequireClientCertificate</c>, mutual TLS); it must have its private key and allow
/// client authentication. To read the silos' own <c>Orleans:Tls</c> configuration instead, use
/// <see cref="TransactionTlsSection.Read"/> and <see cref="TransactionTlsSection.ToClientOptions"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// builder.UseOrleansClient(client =&gt; client
///     .UseAzureStorageClustering(o =&gt; o.TableServiceClient = tables)
///     .UseTransactionRecoveryTls(tls =&gt;
///     {
///         tls.TargetHost = "silos.orleansrecovery.internal";
///         tls.ClientCertificatePath = "/etc/frontend/client.pfx";
///         tls.ClientCertificatePassword = Environment.GetEnvironmentVariable("FRONTEND_PFX_PASSWORD");
///     }));
/// </code>
/// </example>
public sealed class TransactionClientTlsOptions
{
    private const string Name = nameof(TransactionClientTlsOptions);

    /// <summary>
    /// The client certificate presented to the silos, with its private key; the caller keeps ownership. Set this or
    /// <see cref="ClientCertificatePath"/>, or neither when the silos do not require client certificates.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// A PFX (PKCS#12) file holding the client certificate and its private key, loaded when the client is configured; a relative
    /// path is resolved against the working directory.
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClientCertificatePath"/> (from a secret store or the environment, never from source).</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>
    /// The host name the silos' certificate is issued for (e.g. <c>silos.orleansrecovery.internal</c>); the certificate must
    /// chain to a trusted root and match it unless it is pinned.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// SHA-1 (the usual "thumbprint") or SHA-256 hex digests of silo certificates accepted whatever their chain or name (pinning,
    /// e.g. a self-signed certificate). Colons and spaces are ignored.
    /// </summary>
    public IReadOnlyList<string> TrustedThumbprints { get; set; } = [];

    /// <summary>How long a TLS handshake may take (default 10 s, at most 5 minutes).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TransactionTlsCertificates.DefaultHandshakeTimeout;

    /// <summary>
    /// Called when a silo's certificate is refused, with the certificate and what was wrong with it; useful to log why a
    /// connection failed (Orleans reports only that no gateway could be reached). Must not throw.
    /// </summary>
    public Action<X509Certificate2, SslPolicyErrors>? SiloCertificateRefused { get; set; }

    /// <summary>
    /// Everything wrong with these options, one message per problem naming the property; empty when they can be used. The client
    /// certificate file is loaded to check it.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var loaded = ResolveCertificate(problems);
        if (!ReferenceEquals(loaded, ClientCertificate))
        {
            loaded?.Dispose();
        }

        return problems;
    }

    /// <summary>
    /// The Orleans <see cref="TlsOptions"/> for a client connection: the silos must present a certificate that
    /// <see cref="TransactionTlsCertificates.Accepts"/>, and the client certificate (if any) is presented.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not usable; its failures name each property at fault.</exception>
    public TlsOptions CreateTlsOptions()
    {
        var options = new TlsOptions();
        Prepare()(options);
        return options;
    }

    /// <summary>
    /// Checks the options and loads the client certificate now, and returns what sets an Orleans <see cref="TlsOptions"/> from
    /// them (Orleans' <c>UseTls</c> creates the instance itself).
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not usable.</exception>
    internal Action<TlsOptions> Prepare()
    {
        var problems = new List<string>();
        var certificate = ResolveCertificate(problems);
        if (problems.Count > 0)
        {
            if (!ReferenceEquals(certificate, ClientCertificate))
            {
                certificate?.Dispose();
            }

            throw new OptionsValidationException(Name, typeof(TransactionClientTlsOptions), problems);
        }

        // Copies, so that changing these options afterwards does not change a configured client.
        var targetHost = TargetHost;
        var thumbprints = (TrustedThumbprints ?? []).ToArray();
        var timeout = HandshakeTimeout;
        var refused = SiloCertificateRefused;
        return o => TransactionTlsCertificates.Configure(o, certificate, RemoteCertificateMode.RequireCertificate, targetHost, thumbprints, timeout,
            refused);
    }

    /// <summary>Checks every option and returns the client certificate to present (loaded from the file when one is named).</summary>
    private X509Certificate2? ResolveCertificate(List<string> problems)
    {
        var thumbprints = TrustedThumbprints ?? [];
        foreach (var t in thumbprints)
        {
            if (t is null || !TransactionTlsCertificates.IsThumbprint(t))
            {
                problems.Add($"{Name}.TrustedThumbprints holds '{t}'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate.");
            }
        }

        if (string.IsNullOrWhiteSpace(TargetHost) && thumbprints.Count == 0)
        {
            problems.Add($"{Name}: set TargetHost (the name the silos' certificate is issued for) or TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout > TransactionTlsCertificates.MaxHandshakeTimeout)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name}.HandshakeTimeout is {HandshakeTimeout}; it must be more than zero and at most {TransactionTlsCertificates.MaxHandshakeTimeout}."));
        }

        var hasPath = !string.IsNullOrWhiteSpace(ClientCertificatePath);
        if (ClientCertificate is not null && hasPath)
        {
            problems.Add($"{Name}: set ClientCertificate or ClientCertificatePath, not both.");
            return null;
        }

        if (!hasPath && ClientCertificatePassword is not null)
        {
            problems.Add($"{Name}.ClientCertificatePassword is set but ClientCertificatePath is not; the password is for the PFX file named there.");
        }

        var certificate = ClientCertificate;
        var setting = $"{Name}.ClientCertificate";
        if (hasPath)
        {
            setting = $"{Name}.ClientCertificatePath";
            var full = Path.GetFullPath(ClientCertificatePath!);
            if (!File.Exists(full))
            {
                problems.Add($"{setting} is '{ClientCertificatePath}'; no file at '{full}'.");
                return null;
            }

            certificate = TransactionTlsCertificates.TryLoadPfx(full, ClientCertificatePassword, out var reason);
            if (certificate is null)
            {
                problems.Add($"{setting} '{ClientCertificatePath}' could not be loaded ({reason}); check the file and {Name}.ClientCertificatePassword{(ClientCertificatePassword is null ? " (not set)" : string.Empty)}.");
                return null;
            }
        }

        if (certificate is not null)
        {
            TransactionTlsCertificates.CheckLocalCertificate(certificate, setting, TransactionTlsRole.Client, problems);
        }

        return certificate;
    }
}
