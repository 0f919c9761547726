using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Client;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// Where the cluster is and how to join it as a client, read the way the silo and the demo read it: <c>silo-config/appsettings.json</c>,
/// then <c>appsettings.{profile}.json</c>, then environment variables (<c>Section__Key</c>), then recoveryctl's own options.
/// TLS uses the silos' <c>Orleans:Tls:*</c> keys, read by the same code as the silo's (<see cref="TransactionTlsSection"/>).
/// </summary>
internal sealed record ClusterSettings
{
    public required string Profile { get; init; }
    public required string ClusterId { get; init; }
    public required string ServiceId { get; init; }

    /// <summary>The gateway to connect to directly (Localhost clustering or <c>--gateway</c>); null with Azure Table clustering.</summary>
    public IPEndPoint? Gateway { get; init; }

    /// <summary>The storage account holding the membership table (Azure Table clustering only).</summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>Orleans:Messaging:MaxMessageBodySize</c>: clients should use the silos' values.</summary>
    public int? MaxMessageBodySize { get; init; }

    /// <summary><c>Orleans:Messaging:MaxMessageHeaderSize</c>.</summary>
    public int? MaxMessageHeaderSize { get; init; }

    /// <summary><c>Orleans:Tls:*</c> read for a client (certificate loaded and checked), or null when TLS is off.</summary>
    public TransactionTlsSection? Tls { get; init; }

    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>Where recoveryctl looks for the cluster, for messages.</summary>
    public string Describe() => (Gateway is { } gateway
        ? $"gateway {gateway} (profile {Profile}, cluster id {ClusterId}"
        : $"gateways from the Azure membership table (profile {Profile}, cluster id {ClusterId}") + (Tls is null ? ")" : ", TLS)");

    /// <summary>Reads the profile and applies <paramref name="request"/>; a missing or bad setting is a usage error naming it.</summary>
    public static ClusterSettings Load(ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var profile = request.Profile ?? Environment.GetEnvironmentVariable("ORLEANSRECOVERY_PROFILE");
        profile = string.IsNullOrWhiteSpace(profile) ? "local" : profile.Trim();
        var dir = FindConfigDirectory(request.ConfigDirectory ?? Environment.GetEnvironmentVariable("ORLEANSRECOVERY_CONFIG_DIR"));
        var profileFile = Path.Combine(dir, $"appsettings.{profile}.json");
        if (!File.Exists(profileFile))
        {
            throw CommandFailedException.Usage($"profile '{profile}' has no file '{profileFile}'.");
        }

        var overrides = new Dictionary<string, string?>();
        void Override(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                overrides[key] = value.Trim();
            }
        }

        Override("Orleans:ClusterId", request.ClusterId);
        Override("Orleans:ServiceId", request.ServiceId);
        Override("Storage:ConnectionString", request.ConnectionString);

        var layered = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(dir, "appsettings.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(profileFile, optional: false, reloadOnChange: false)
            .AddEnvironmentVariables()
            .Build();
        var tlsOptions = TlsOverrides(request, layered, overrides);
        var config = new ConfigurationBuilder()
            .AddConfiguration(layered)
            .AddInMemoryCollection(overrides)
            .Build();

        string Required(string key, string option) => config[key] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : throw CommandFailedException.Usage(
                $"{key} is missing (profile {profile}, {dir}); pass {option} or set {key.Replace(":", "__", StringComparison.Ordinal)}.");

        int? Int(string key, int min, int max)
        {
            var raw = config[key];
            if (string.IsNullOrWhiteSpace(raw))
            {
                return null;
            }

            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw CommandFailedException.Usage($"{key} is '{raw}'; it must be an integer between {min} and {max}.");
        }

        // The profile's relative certificate path is relative to the profile, as for the silo; --tls-certificate was made
        // absolute above (relative to the working directory, where the operator typed it).
        var tlsFailures = new List<string>();
        var tls = TransactionTlsSection.Read(config, TransactionTlsRole.Client, tlsFailures, baseDirectory: dir);
        if (tlsFailures.Count > 0)
        {
            var named = tlsFailures.Select(f => tlsOptions.Aggregate(f, (text, o) => NameOption(text, o.Key, o.Option)));
            throw CommandFailedException.Usage($"TLS (profile {profile}, {dir}): {string.Join(" ", named)}");
        }

        IPEndPoint? gateway;
        string? connectionString = null;
        if (request.Gateway is { } explicitGateway)
        {
            gateway = ParseGateway(explicitGateway);
        }
        else
        {
            var clustering = Required("Orleans:ClusteringMode", "--gateway");
            if (clustering.Equals("AzureTable", StringComparison.OrdinalIgnoreCase))
            {
                gateway = null;
                connectionString = Required("Storage:ConnectionString", "--connection-string");
            }
            else if (clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
            {
                gateway = new IPEndPoint(IPAddress.Loopback, Int("Orleans:GatewayPort", 1, 65535) ?? 30000);
            }
            else
            {
                throw CommandFailedException.Usage($"Orleans:ClusteringMode is '{clustering}'; it must be Localhost or AzureTable.");
            }
        }

        return new ClusterSettings
        {
            Profile = profile,
            ClusterId = Required("Orleans:ClusterId", "--cluster-id"),
            ServiceId = Required("Orleans:ServiceId", "--service-id"),
            Gateway = gateway,
            ConnectionString = connectionString,
            MaxMessageBodySize = Int("Orleans:Messaging:MaxMessageBodySize", 1024, int.MaxValue),
            MaxMessageHeaderSize = Int("Orleans:Messaging:MaxMessageHeaderSize", 1024, int.MaxValue),
            Tls = tls,
            ConnectTimeout = request.ConnectTimeout,
        };
    }

    /// <summary>
    /// Turns the <c>--tls*</c> options into <c>Orleans:Tls:*</c> overrides (any of them switches TLS on) and returns which keys
    /// came from which option, so that an error can name the option the operator typed.
    /// </summary>
    private static List<(string Key, string Option)> TlsOverrides(ConnectionRequest request, IConfiguration layered,
        Dictionary<string, string?> overrides)
    {
        const string Tls = TransactionTlsSection.Section;
        var given = new List<(string Key, string Option)>();
        if (!string.IsNullOrWhiteSpace(request.TlsCertificate))
        {
            overrides[$"{Tls}:CertificatePath"] = Path.GetFullPath(request.TlsCertificate.Trim());

            // A file given here replaces the profile's certificate, wherever that one came from.
            overrides[$"{Tls}:StoreSubject"] = string.Empty;
            given.Add(($"{Tls}:CertificatePath", "--tls-certificate"));
        }

        if (!string.IsNullOrWhiteSpace(request.TlsTargetHost))
        {
            overrides[$"{Tls}:TargetHost"] = request.TlsTargetHost.Trim();
            given.Add(($"{Tls}:TargetHost", "--tls-target-host"));
        }

        if (request.TlsThumbprints.Count > 0)
        {
            // The pins given here replace the profile's: blank the profile's array entries, then set one comma-separated value.
            foreach (var entry in layered.GetSection($"{Tls}:TrustedThumbprints").GetChildren())
            {
                overrides[entry.Path] = string.Empty;
            }

            overrides[$"{Tls}:TrustedThumbprints"] = string.Join(',', request.TlsThumbprints);
            given.Add(($"{Tls}:TrustedThumbprints", "--tls-thumbprint"));
        }

        if (request.Tls || given.Count > 0)
        {
            overrides[$"{Tls}:Enabled"] = "true";
        }

        return given;
    }

    /// <summary>Adds the option's name after the first mention of <paramref name="key"/> in <paramref name="message"/>.</summary>
    private static string NameOption(string message, string key, string option)
    {
        var at = message.IndexOf(key, StringComparison.Ordinal);
        return at < 0 || message.AsSpan(at + key.Length).StartsWith(" (--", StringComparison.Ordinal)
            ? message
            : string.Concat(message.AsSpan(0, at + key.Length), $" ({option})", message.AsSpan(at + key.Length));
    }

    /// <summary>Parses <c>host:port</c> (a name, an IPv4 address or a bracketed IPv6 address).</summary>
    public static IPEndPoint ParseGateway(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw CommandFailedException.Usage($"--gateway '{text}' is not host:port (e.g. 127.0.0.1:30000).");
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null
                ? throw CommandFailedException.Usage($"--gateway host '{host}' has no address.")
                : new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ClusterUnreachableException($"cannot resolve the gateway host '{host}': {ex.Message}");
        }
    }

    private static string FindConfigDirectory(string? explicitDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Directory.Exists(explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw CommandFailedException.Usage($"configuration directory '{explicitDirectory}' does not exist.");
        }

        // The working directory's tree first (a checkout), then the copy installed beside recoveryctl.
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "silo-config");
                if (File.Exists(Path.Combine(candidate, "appsettings.json")))
                {
                    return candidate;
                }
            }
        }

        throw CommandFailedException.Usage("no silo-config/appsettings.json found; pass --config-dir DIR or set ORLEANSRECOVERY_CONFIG_DIR.");
    }
}
