using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansRecovery.Client;

/// <summary>
/// The TLS rules that silos and their clients share: which remote certificate is accepted, how a pinned thumbprint is written,
/// and the Orleans <see cref="TlsOptions"/> built from them. They live in one place so that a silo and its clients can never
/// disagree about which certificate is good enough.
/// </summary>
/// <remarks>
/// A remote certificate is accepted when its chain and name validate (no <see cref="SslPolicyErrors"/>; the name checked is the
/// target host the connecting side asks for), or when its SHA-1 or SHA-256 thumbprint is pinned, whatever its chain or name
/// (e.g. a self-signed certificate on a closed network).
/// </remarks>
public static class TransactionTlsCertificates
{
    /// <summary>The OID of the Client Authentication extended key usage.</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>The longest handshake timeout accepted by the checks (longer only hides a dead peer).</summary>
    public static readonly TimeSpan MaxHandshakeTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The handshake timeout used when none is configured.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True when <paramref name="certificate"/> is accepted as the other end of a connection: it is pinned in
    /// <paramref name="trustedThumbprints"/> (SHA-1 or SHA-256, any case, separators allowed), or <paramref name="errors"/> is
    /// <see cref="SslPolicyErrors.None"/> (chain and name valid).
    /// </summary>
    /// <param name="certificate">The certificate the other end presented.</param>
    /// <param name="errors">What the platform found wrong with its chain and name.</param>
    /// <param name="trustedThumbprints">Pinned thumbprints; may be empty.</param>
    public static bool Accepts(X509Certificate2 certificate, SslPolicyErrors errors, IEnumerable<string> trustedThumbprints)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustedThumbprints);
        string? sha1 = null;
        string? sha256 = null;
        foreach (var raw in trustedThumbprints)
        {
            var pinned = NormalizeThumbprint(raw);

            // Digests are computed only when something is pinned: an unpinned connection pays nothing.
            sha1 ??= certificate.Thumbprint;
            sha256 ??= certificate.GetCertHashString(HashAlgorithmName.SHA256);
            if (pinned.Equals(sha1, StringComparison.OrdinalIgnoreCase) || pinned.Equals(sha256, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return errors == SslPolicyErrors.None;
    }

    /// <summary>
    /// <paramref name="thumbprint"/> without the separators people copy along with it (colons, spaces, and the invisible
    /// left-to-right mark that Windows' certificate dialog puts in front).
    /// </summary>
    public static string NormalizeThumbprint(string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(thumbprint);
        return string.Concat(thumbprint.Where(c => c is not (':' or ' ' or '\t' or '\u200e' or '\u200f')));
    }

    /// <summary>True when <paramref name="thumbprint"/> (normalized) is a SHA-1 (40) or SHA-256 (64) hex digest.</summary>
    public static bool IsThumbprint(string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(thumbprint);
        var normalized = NormalizeThumbprint(thumbprint);
        return normalized.Length is 40 or 64 && normalized.All(Uri.IsHexDigit);
    }

    /// <summary>
    /// True when <paramref name="certificate"/> may be presented as a client certificate: it has no enhanced key usage
    /// extension, or that extension lists Client Authentication. (Orleans silently leaves out a local certificate that fails this
    /// test, and the silo then refuses the connection without saying why.)
    /// </summary>
    public static bool AllowsClientAuthentication(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0
            || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthenticationOid));
    }

    /// <summary>
    /// Orleans TLS options that apply the shared acceptance rule (<see cref="Accepts"/>) to the remote certificate.
    /// </summary>
    /// <param name="localCertificate">The certificate this end presents (with its private key), or null to present none.</param>
    /// <param name="remoteCertificateMode">Whether the other end must present a certificate.</param>
    /// <param name="targetHost">
    /// When this end connects: the host name the remote certificate must be issued for. Null leaves the name to Orleans (the
    /// certificate must then be pinned, or valid for whatever name the platform checks).
    /// </param>
    /// <param name="trustedThumbprints">Pinned remote certificates (SHA-1 or SHA-256 hex).</param>
    /// <param name="handshakeTimeout">How long a handshake may take.</param>
    /// <param name="refused">Called with a remote certificate that was refused and the reasons, e.g. to tell an operator why.</param>
    public static TlsOptions CreateTlsOptions(X509Certificate2? localCertificate, RemoteCertificateMode remoteCertificateMode, string? targetHost,
        IEnumerable<string> trustedThumbprints, TimeSpan handshakeTimeout, Action<X509Certificate2, SslPolicyErrors>? refused = null)
    {
        var options = new TlsOptions();
        Configure(options, localCertificate, remoteCertificateMode, targetHost, trustedThumbprints, handshakeTimeout, refused);
        return options;
    }

    /// <summary>Sets <paramref name="options"/> as <see cref="CreateTlsOptions"/> describes (for builders that create the instance).</summary>
    internal static void Configure(TlsOptions options, X509Certificate2? localCertificate, RemoteCertificateMode remoteCertificateMode,
        string? targetHost, IEnumerable<string> trustedThumbprints, TimeSpan handshakeTimeout, Action<X509Certificate2, SslPolicyErrors>? refused)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trustedThumbprints);

        // A snapshot: the options outlive the caller's list, and a connection must not see it change half-way.
        var pins = trustedThumbprints.Select(NormalizeThumbprint).ToArray();
        options.LocalCertificate = localCertificate;
        options.RemoteCertificateMode = remoteCertificateMode;

        // Present the local certificate when there is one; a client without one still connects to silos that do not ask.
        options.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
        options.HandshakeTimeout = handshakeTimeout;
        options.RemoteCertificateValidation = (certificate, _, errors) =>
        {
            var accepted = Accepts(certificate, errors, pins);
            if (!accepted)
            {
                refused?.Invoke(certificate, errors);
            }

            return accepted;
        };
        if (!string.IsNullOrWhiteSpace(targetHost))
        {
            var host = targetHost.Trim();
            options.OnAuthenticateAsClient = (_, client) => client.TargetHost = host;
        }
    }

    /// <summary>
    /// Adds to <paramref name="failures"/> what is wrong with a certificate this process presents: no private key, outside its
    /// validity period, and (for a client) not meant for client authentication. Messages start with <paramref name="setting"/>.
    /// </summary>
    internal static void CheckLocalCertificate(X509Certificate2 certificate, string setting, TransactionTlsRole role, ICollection<string> failures)
    {
        var name = $"the certificate '{certificate.Subject}' ({certificate.Thumbprint})";
        if (!certificate.HasPrivateKey)
        {
            failures.Add(role == TransactionTlsRole.Silo
                ? $"{setting}: {name} has no private key; a silo needs one to authenticate."
                : $"{setting}: {name} has no private key; a client needs one to present it to the silos.");
        }

        var now = DateTime.Now;
        if (certificate.NotAfter < now || certificate.NotBefore > now)
        {
            failures.Add($"{setting}: {name} is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now.");
        }

        if (role == TransactionTlsRole.Client && !AllowsClientAuthentication(certificate))
        {
            failures.Add($"{setting}: {name} is not meant for client authentication (its enhanced key usage lacks Client Authentication, {ClientAuthenticationOid}), so it would not be presented to the silos.");
        }
    }

    /// <summary>Loads a PFX file; on failure returns null and the reason (first line of the platform's message).</summary>
    internal static X509Certificate2? TryLoadPfx(string fullPath, string? password, out string? reason)
    {
        try
        {
            reason = null;
            return X509CertificateLoader.LoadPkcs12FromFile(fullPath, password, X509KeyStorageFlags.DefaultKeySet);
        }
        catch (CryptographicException ex)
        {
            reason = FirstLine(ex.Message);
            return null;
        }
    }

    /// <summary>The first line of <paramref name="text"/> (platform messages append details on later lines).</summary>
    internal static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}

/// <summary>Which end of a connection a TLS setting is read for; the certificate rules differ.</summary>
public enum TransactionTlsRole
{
    /// <summary>A silo: it must have a certificate with a private key (silos always authenticate each other).</summary>
    Silo,

    /// <summary>
    /// A client of the silos: a certificate is needed only when the silos require client certificates, and must then allow
    /// client authentication.
    /// </summary>
    Client,
}
