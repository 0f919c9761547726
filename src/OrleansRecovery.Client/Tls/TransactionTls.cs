using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansRecovery.Client;

/// <summary>Which end of a connection the TLS options are for; the certificate rules differ.</summary>
public enum TransactionTlsRole
{
    /// <summary>A silo: it needs a certificate with its private key (silos always authenticate each other).</summary>
    Silo,

    /// <summary>A client: a certificate only when the silos require one, and then one allowing client authentication.</summary>
    Client,
}

/// <summary>
/// The TLS rules silos and clients share, so that they cannot disagree: which remote certificate is accepted, how the local one
/// is loaded and checked, and how an Orleans <see cref="TlsOptions"/> is set from <see cref="TransactionTlsOptions"/>.
/// </summary>
public static class TransactionTls
{
    private const string Section = TransactionTlsOptions.SectionName;
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// True when <paramref name="certificate"/> is pinned in <paramref name="trustedThumbprints"/> (SHA-1 or SHA-256, any case,
    /// separators ignored), or its chain and name are valid (<paramref name="errors"/> is <see cref="SslPolicyErrors.None"/>).
    /// </summary>
    public static bool Accepts(X509Certificate2 certificate, SslPolicyErrors errors, IEnumerable<string> trustedThumbprints)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustedThumbprints);
        var pins = trustedThumbprints.Select(Normalize).ToList();
        return (pins.Count > 0 && (pins.Contains(certificate.Thumbprint, StringComparer.OrdinalIgnoreCase)
                || pins.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256), StringComparer.OrdinalIgnoreCase)))
            || errors == SslPolicyErrors.None;
    }

    /// <summary>
    /// Everything wrong with <paramref name="options"/> for <paramref name="role"/>, one message per problem naming its key under
    /// <c>Orleans:Tls</c> (never the password); empty when they can be used. The certificate file is loaded to check it.
    /// </summary>
    public static IReadOnlyList<string> Validate(TransactionTlsOptions options, TransactionTlsRole role, string? baseDirectory = null,
        Func<string, string?>? environment = null)
    {
        var failures = new List<string>();
        var certificate = LoadCertificate(options, role, baseDirectory, environment, failures);
        if (!ReferenceEquals(certificate, options.Certificate))
        {
            certificate?.Dispose();
        }

        return failures;
    }

    /// <summary>
    /// Checks <paramref name="options"/> and returns the certificate to present (loaded from <c>CertificatePath</c>, or the one
    /// set in code; null for a store certificate, which Orleans loads, or a client without one), adding one failure per problem.
    /// </summary>
    internal static X509Certificate2? LoadCertificate(TransactionTlsOptions options, TransactionTlsRole role, string? baseDirectory,
        Func<string, string?>? environment, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        foreach (var pin in options.TrustedThumbprints.Where(t => Normalize(t) is not { Length: 40 or 64 } n || !n.All(Uri.IsHexDigit)))
        {
            failures.Add($"{Section}:TrustedThumbprints holds '{pin}'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero || options.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:HandshakeTimeout is {options.HandshakeTimeout}; it must be more than zero and at most 00:05:00."));
        }

        if (role == TransactionTlsRole.Client && string.IsNullOrWhiteSpace(options.TargetHost) && options.TrustedThumbprints.Count == 0)
        {
            failures.Add($"{Section}:Enabled is true, so set {Section}:TargetHost (the name the silos' certificate is issued for) or {Section}:TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust.");
        }

        if (!string.IsNullOrEmpty(options.CertificatePassword))
        {
            failures.Add($"{Section}:CertificatePassword is set in configuration; never store the password there. Put it in an environment variable and name it in {Section}:CertificatePasswordVariable (default {TransactionTlsOptions.DefaultPasswordVariable}).");
            return null;
        }

        var sources = new[] { options.Certificate is not null, !string.IsNullOrWhiteSpace(options.CertificatePath), !string.IsNullOrWhiteSpace(options.StoreSubject) }.Count(s => s);
        if (sources > 1 || (sources == 0 && role == TransactionTlsRole.Silo))
        {
            failures.Add($"{Section}:Enabled is true, so set exactly one of {Section}:CertificatePath (a PFX file) and {Section}:StoreSubject (a certificate in the store).");
            return null;
        }

        if (sources == 0 && options.RequireClientCertificate)
        {
            failures.Add($"{Section}:RequireClientCertificate is true, so the silos accept only clients with a certificate: set {Section}:CertificatePath (a PFX file) or {Section}:StoreSubject (a certificate in the store).");
        }

        var certificate = options.Certificate;
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var full = Path.GetFullPath(options.CertificatePath, baseDirectory ?? Directory.GetCurrentDirectory());
            if (!File.Exists(full))
            {
                failures.Add($"{Section}:CertificatePath is '{options.CertificatePath}'; no file at '{full}'.");
                return null;
            }

            var variable = string.IsNullOrWhiteSpace(options.CertificatePasswordVariable) ? TransactionTlsOptions.DefaultPasswordVariable : options.CertificatePasswordVariable.Trim();
            var password = environment(variable);
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(full, password, X509KeyStorageFlags.DefaultKeySet);
            }
            catch (CryptographicException ex)
            {
                failures.Add($"{Section}:CertificatePath '{options.CertificatePath}' could not be loaded ({ex.Message.Split('\n')[0].Trim()}); " +
                    $"check the file and the password in the environment variable {variable}{(password is null ? " (not set)" : string.Empty)}.");
                return null;
            }
        }

        if (certificate is not null)
        {
            var name = $"{Section}: the certificate '{certificate.Subject}' ({certificate.Thumbprint})";
            if (!certificate.HasPrivateKey)
            {
                failures.Add($"{name} has no private key; {(role == TransactionTlsRole.Silo ? "a silo needs one to authenticate" : "a client needs one to present it to the silos")}.");
            }

            if (certificate.NotAfter < DateTime.Now || certificate.NotBefore > DateTime.Now)
            {
                failures.Add($"{name} is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now.");
            }

            // Orleans silently leaves out a client certificate without this usage, and the silo then just closes the connection.
            var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
            if (role == TransactionTlsRole.Client && usages.Count > 0 && !usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthenticationOid)))
            {
                failures.Add($"{name} is not meant for client authentication (its enhanced key usage lacks Client Authentication, {ClientAuthenticationOid}), so it would not be presented to the silos.");
            }
        }

        return certificate;
    }

    /// <summary>Sets <paramref name="tls"/>: the local certificate, the remote certificate rule, the target host and the timeout.</summary>
    internal static void Configure(TlsOptions tls, TransactionTlsOptions options, X509Certificate2? certificate, RemoteCertificateMode remote)
    {
        // Snapshots: the options outlive the caller's objects, and a connection must not see them change half-way.
        var pins = options.TrustedThumbprints.Select(Normalize).ToArray();
        var refused = options.CertificateRefused;
        var host = options.TargetHost?.Trim();
        if (certificate is not null)
        {
            tls.LocalCertificate = certificate;
        }

        tls.RemoteCertificateMode = remote;
        tls.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
        tls.HandshakeTimeout = options.HandshakeTimeout;
        tls.RemoteCertificateValidation = (remoteCertificate, _, errors) =>
        {
            var accepted = Accepts(remoteCertificate, errors, pins);
            if (!accepted)
            {
                refused?.Invoke(remoteCertificate, errors);
            }

            return accepted;
        };
        if (!string.IsNullOrEmpty(host))
        {
            tls.OnAuthenticateAsClient = (_, client) => client.TargetHost = host;
        }
    }

    /// <summary>A thumbprint without what people copy along with it (colons, spaces, Windows' invisible direction marks).</summary>
    private static string Normalize(string? thumbprint) =>
        string.Concat((thumbprint ?? string.Empty).Where(c => c is not (':' or ' ' or '\t' or '\u200e' or '\u200f')));
}
