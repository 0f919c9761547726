using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Client;

/// <summary>
/// The <c>Orleans:Tls</c> configuration section as silos and their clients read it (the keys of <c>silo-config</c>), so that a
/// front-end service, recoveryctl and the demo can connect to a TLS cluster with the very settings its silos use.
/// </summary>
/// <remarks>
/// <para>Keys: <c>Enabled</c>; the certificate from a PFX file (<c>CertificatePath</c>, relative paths resolved against a base
/// directory; its password in the environment variable named by <c>CertificatePasswordVariable</c>, never in configuration) or
/// from the certificate store (<c>StoreSubject</c>, <c>StoreName</c>, <c>StoreLocation</c>); <c>RequireClientCertificate</c>;
/// <c>TargetHost</c>; <c>TrustedThumbprints</c> (an array, or one value separated by commas); <c>HandshakeTimeout</c>.</para>
/// <para>For a silo the certificate is required. For a client it is the client certificate: required when
/// <c>RequireClientCertificate</c> is true (the silos then accept only clients that present one), otherwise optional; and a
/// client must name <c>TargetHost</c> or pin <c>TrustedThumbprints</c>, so that it knows which silos to trust.</para>
/// </remarks>
public sealed class TransactionTlsSection
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orleans:Tls";

    /// <summary>The environment variable holding the PFX password when <c>CertificatePasswordVariable</c> is not set.</summary>
    public const string DefaultPasswordVariable = "ORLEANSRECOVERY_TLS_CERTIFICATE_PASSWORD";

    /// <summary>
    /// The certificate this process presents, with its private key; null only for a client that has none (allowed when the
    /// silos do not require client certificates).
    /// </summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary><c>RequireClientCertificate</c>: the silos accept only clients that present a certificate they accept.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary><c>TrustedThumbprints</c>: pinned remote certificates (SHA-1 or SHA-256 hex, separators removed).</summary>
    public IReadOnlyList<string> TrustedThumbprints { get; init; } = [];

    /// <summary><c>TargetHost</c>: the host name the silos' certificate is issued for, or null.</summary>
    public string? TargetHost { get; init; }

    /// <summary><c>HandshakeTimeout</c>: how long a handshake may take (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TransactionTlsCertificates.DefaultHandshakeTimeout;

    /// <summary>
    /// Reads and checks the <c>Orleans:Tls</c> section of <paramref name="configuration"/>. Returns null when TLS is off, or when
    /// a setting is wrong: then one failure per problem is added to <paramref name="failures"/>, each naming its key (never a
    /// password). The certificate is loaded here, so that a wrong path, password or subject is reported before connecting.
    /// </summary>
    /// <param name="configuration">The whole configuration (the section is looked up in it).</param>
    /// <param name="role">Whether the settings are read for a silo or for a client (the certificate rules differ).</param>
    /// <param name="failures">Where problems are added.</param>
    /// <param name="environment">Reads environment variables (the PFX password); default <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="baseDirectory">Relative certificate paths are resolved against it (default: the working directory).</param>
    public static TransactionTlsSection? Read(IConfiguration configuration, TransactionTlsRole role, ICollection<string> failures,
        Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        environment ??= Environment.GetEnvironmentVariable;
        var tls = configuration.GetSection(Section);
        var before = failures.Count;

        bool Flag(string key)
        {
            var raw = tls[key];
            if (string.IsNullOrWhiteSpace(raw))
            {
                return false;
            }

            if (!bool.TryParse(raw, out var value))
            {
                failures.Add($"{Section}:{key} is '{raw}'; it must be true or false.");
            }

            return value;
        }

        var enabled = Flag("Enabled");
        var requireClient = Flag("RequireClientCertificate");
        if (!enabled)
        {
            return null;
        }

        var path = tls["CertificatePath"];
        var subject = tls["StoreSubject"];
        var thumbprints = ReadList(tls.GetSection("TrustedThumbprints"));
        foreach (var t in thumbprints.Where(t => !TransactionTlsCertificates.IsThumbprint(t)))
        {
            failures.Add($"{Section}:TrustedThumbprints holds '{t}'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate.");
        }

        var timeout = TransactionTlsCertificates.DefaultHandshakeTimeout;
        if (tls["HandshakeTimeout"] is { Length: > 0 } rawTimeout
            && (!TimeSpan.TryParse(rawTimeout, CultureInfo.InvariantCulture, out timeout) || timeout <= TimeSpan.Zero
                || timeout > TransactionTlsCertificates.MaxHandshakeTimeout))
        {
            failures.Add($"{Section}:HandshakeTimeout is '{rawTimeout}'; it must be a time span between 00:00:00 and 00:05:00 (exclusive of zero).");
        }

        var targetHost = string.IsNullOrWhiteSpace(tls["TargetHost"]) ? null : tls["TargetHost"]!.Trim();
        if (role == TransactionTlsRole.Client && targetHost is null && thumbprints.Count == 0)
        {
            failures.Add($"{Section}:Enabled is true, so set {Section}:TargetHost (the name the silos' certificate is issued for) or {Section}:TrustedThumbprints (the silos' pinned certificates); a client must know which silos to trust.");
        }

        X509Certificate2? certificate = null;
        var hasPath = !string.IsNullOrWhiteSpace(path);
        var hasSubject = !string.IsNullOrWhiteSpace(subject);
        if (hasPath && hasSubject)
        {
            failures.Add($"{Section}:Enabled is true, so set exactly one of {Section}:CertificatePath (a PFX file) and {Section}:StoreSubject (a certificate in the store).");
        }
        else if (!hasPath && !hasSubject)
        {
            // A client without a certificate is fine unless the silos insist on one; a silo always needs one.
            if (role == TransactionTlsRole.Silo)
            {
                failures.Add($"{Section}:Enabled is true, so set exactly one of {Section}:CertificatePath (a PFX file) and {Section}:StoreSubject (a certificate in the store).");
            }
            else if (requireClient)
            {
                failures.Add($"{Section}:RequireClientCertificate is true, so the silos accept only clients with a certificate: set {Section}:CertificatePath (a PFX file) or {Section}:StoreSubject (a certificate in the store).");
            }
        }
        else if (hasPath)
        {
            certificate = LoadPfx(tls, path!, failures, environment, baseDirectory);
        }
        else
        {
            certificate = LoadFromStore(tls, subject!, failures);
        }

        if (certificate is not null)
        {
            TransactionTlsCertificates.CheckLocalCertificate(certificate, Section, role, failures);
        }

        if (failures.Count > before)
        {
            certificate?.Dispose();
            return null;
        }

        return new TransactionTlsSection
        {
            Certificate = certificate,
            RequireClientCertificate = requireClient,
            TrustedThumbprints = thumbprints,
            TargetHost = targetHost,
            HandshakeTimeout = timeout,
        };
    }

    /// <summary>
    /// The client options these settings stand for: the silos' certificate is checked by <see cref="TargetHost"/> or
    /// <see cref="TrustedThumbprints"/>, and <see cref="Certificate"/> (if any) is presented as the client certificate.
    /// </summary>
    public TransactionClientTlsOptions ToClientOptions() => new()
    {
        ClientCertificate = Certificate,
        TargetHost = TargetHost,
        TrustedThumbprints = TrustedThumbprints,
        HandshakeTimeout = HandshakeTimeout,
    };

    private static X509Certificate2? LoadPfx(IConfigurationSection tls, string path, ICollection<string> failures, Func<string, string?> environment,
        string? baseDirectory)
    {
        var full = Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory());
        if (!File.Exists(full))
        {
            failures.Add($"{Section}:CertificatePath is '{path}'; no file at '{full}'.");
            return null;
        }

        var variable = string.IsNullOrWhiteSpace(tls["CertificatePasswordVariable"]) ? DefaultPasswordVariable : tls["CertificatePasswordVariable"]!.Trim();
        if (tls["CertificatePassword"] is { Length: > 0 })
        {
            failures.Add($"{Section}:CertificatePassword is set in configuration; never store the password there. Put it in an environment variable and name it in {Section}:CertificatePasswordVariable (default {DefaultPasswordVariable}).");
            return null;
        }

        var password = environment(variable);
        var certificate = TransactionTlsCertificates.TryLoadPfx(full, password, out var reason);
        if (certificate is null)
        {
            failures.Add($"{Section}:CertificatePath '{path}' could not be loaded ({reason}); check the file and the password in the environment variable {variable}{(password is null ? " (not set)" : string.Empty)}.");
        }

        return certificate;
    }

    private static X509Certificate2? LoadFromStore(IConfigurationSection tls, string subject, ICollection<string> failures)
    {
        var storeNameRaw = tls["StoreName"];
        var storeLocationRaw = tls["StoreLocation"];
        var storeName = StoreName.My;
        var storeLocation = StoreLocation.CurrentUser;
        if (!string.IsNullOrWhiteSpace(storeNameRaw) && (int.TryParse(storeNameRaw, out _) || !Enum.TryParse(storeNameRaw, true, out storeName)))
        {
            failures.Add($"{Section}:StoreName is '{storeNameRaw}'; it must be one of {string.Join(", ", Enum.GetNames<StoreName>())}.");
            return null;
        }

        if (!string.IsNullOrWhiteSpace(storeLocationRaw) && (int.TryParse(storeLocationRaw, out _) || !Enum.TryParse(storeLocationRaw, true, out storeLocation)))
        {
            failures.Add($"{Section}:StoreLocation is '{storeLocationRaw}'; it must be CurrentUser or LocalMachine.");
            return null;
        }

        try
        {
            using var store = new X509Store(storeName, storeLocation);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var now = DateTime.Now;
            var found = store.Certificates.Find(X509FindType.FindBySubjectName, subject.Trim(), validOnly: false)
                .Where(c => c.HasPrivateKey && c.NotBefore <= now && c.NotAfter >= now)
                .OrderByDescending(c => c.NotAfter)
                .FirstOrDefault();
            if (found is null)
            {
                failures.Add($"{Section}:StoreSubject is '{subject}'; no current certificate with a private key and that subject is in {storeLocation}/{storeName}.");
            }

            return found;
        }
        catch (CryptographicException ex)
        {
            failures.Add($"{Section}:StoreName/{Section}:StoreLocation: the store {storeLocation}/{storeName} could not be opened ({TransactionTlsCertificates.FirstLine(ex.Message)}).");
            return null;
        }
    }

    private static List<string> ReadList(IConfigurationSection section)
    {
        // Either an array (TrustedThumbprints:0, :1...) or one comma-separated value (handy in environment variables).
        var items = section.GetChildren().Select(c => c.Value).ToList();
        if (section.Value is { } single)
        {
            items.Add(single);
        }

        return [.. items
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(TransactionTlsCertificates.NormalizeThumbprint)];
    }
}
