using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Connections.Security;

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
public sealed class SiloTlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orleans:Tls";

    /// <summary>The environment variable holding the PFX password when <c>CertificatePasswordVariable</c> is not set.</summary>
    public const string DefaultPasswordVariable = "ORLEANSRECOVERY_TLS_CERTIFICATE_PASSWORD";

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
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

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
        foreach (var t in thumbprints)
        {
            if (!IsHex(t) || t.Length is not (40 or 64))
            {
                failures.Add($"{Section}:TrustedThumbprints holds '{t}'; each entry must be a SHA-1 (40) or SHA-256 (64) hex digest of a certificate.");
            }
        }

        var timeout = TimeSpan.FromSeconds(10);
        if (tls["HandshakeTimeout"] is { Length: > 0 } rawTimeout
            && (!TimeSpan.TryParse(rawTimeout, CultureInfo.InvariantCulture, out timeout) || timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5)))
        {
            failures.Add($"{Section}:HandshakeTimeout is '{rawTimeout}'; it must be a time span between 00:00:00 and 00:05:00 (exclusive of zero).");
        }

        X509Certificate2? certificate = null;
        var hasPath = !string.IsNullOrWhiteSpace(path);
        var hasSubject = !string.IsNullOrWhiteSpace(subject);
        if (hasPath == hasSubject)
        {
            failures.Add($"{Section}:Enabled is true, so set exactly one of {Section}:CertificatePath (a PFX file) and {Section}:StoreSubject (a certificate in the store).");
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
            if (!certificate.HasPrivateKey)
            {
                failures.Add($"{Section}: the certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key; a silo needs one to authenticate.");
            }

            var now = DateTime.Now;
            if (certificate.NotAfter < now || certificate.NotBefore > now)
            {
                failures.Add($"{Section}: the certificate '{certificate.Subject}' ({certificate.Thumbprint}) is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now.");
            }
        }

        if (failures.Count > before || certificate is null)
        {
            certificate?.Dispose();
            return null;
        }

        return new SiloTlsSettings
        {
            Certificate = certificate,
            RequireClientCertificate = requireClient,
            TrustedThumbprints = thumbprints,
            TargetHost = string.IsNullOrWhiteSpace(tls["TargetHost"]) ? null : tls["TargetHost"]!.Trim(),
            HandshakeTimeout = timeout,
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
    /// the client presents <see cref="Certificate"/> (needed when the silos require client certificates).
    /// </summary>
    public void ApplyTo(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = CreateOptions(RemoteCertificateMode.RequireCertificate);
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.UseClientTls(options)));
    }

    /// <summary>True when <paramref name="certificate"/> is accepted as the other end of a connection.</summary>
    public bool Accepts(X509Certificate2 certificate, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (TrustedThumbprints.Count > 0)
        {
            var sha1 = certificate.Thumbprint;
            var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            if (TrustedThumbprints.Any(t => t.Equals(sha1, StringComparison.OrdinalIgnoreCase) || t.Equals(sha256, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return errors == SslPolicyErrors.None;
    }

    private TlsOptions CreateOptions(RemoteCertificateMode remote)
    {
        var options = new TlsOptions
        {
            LocalCertificate = Certificate,
            RemoteCertificateMode = remote,
            ClientCertificateMode = RemoteCertificateMode.AllowCertificate,
            HandshakeTimeout = HandshakeTimeout,
            RemoteCertificateValidation = (certificate, _, errors) => Accepts(certificate, errors),
        };
        if (TargetHost is { } host)
        {
            options.OnAuthenticateAsClient = (_, client) => client.TargetHost = host;
        }

        return options;
    }

    private static X509Certificate2? LoadPfx(IConfigurationSection tls, string path, List<string> failures, Func<string, string?> environment,
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
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(full, password, X509KeyStorageFlags.DefaultKeySet);
        }
        catch (CryptographicException ex)
        {
            failures.Add($"{Section}:CertificatePath '{path}' could not be loaded ({FirstLine(ex.Message)}); check the file and the password in the environment variable {variable}{(password is null ? " (not set)" : string.Empty)}.");
            return null;
        }
    }

    private static X509Certificate2? LoadFromStore(IConfigurationSection tls, string subject, List<string> failures)
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
            failures.Add($"{Section}:StoreName/{Section}:StoreLocation: the store {storeLocation}/{storeName} could not be opened ({FirstLine(ex.Message)}).");
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
            .Select(v => v.Replace(":", string.Empty, StringComparison.Ordinal))];
    }

    private static bool IsHex(string text) => text.All(Uri.IsHexDigit);

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
