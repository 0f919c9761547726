using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Client;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// Where the cluster is and how to join it as a client, read the way the silo and the demo read it (<see cref="SiloConfigDirectory"/>
/// and <see cref="ClusterClientSettings"/>): <c>silo-config/appsettings.json</c>, then <c>appsettings.{profile}.json</c>, then
/// environment variables (<c>Section__Key</c>), then recoveryctl's own options.
/// </summary>
internal sealed record ClusterSettings
{
    /// <summary>The configuration keys recoveryctl's options set, so that an error can name the option too.</summary>
    private static readonly (string Key, string Option)[] KeyOptions =
    [
        ("Orleans:ClusterId", "--cluster-id"),
        ("Orleans:ServiceId", "--service-id"),
        ("Storage:ConnectionString", "--connection-string"),
    ];

    public required string Profile { get; init; }

    /// <summary>How to join the cluster (clustering, message size limits, TLS).</summary>
    public required ClusterClientSettings Client { get; init; }

    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>Where recoveryctl looks for the cluster, for messages.</summary>
    public string Describe() => (Client.Gateway is { } gateway
        ? $"gateway {gateway} (profile {Profile}, cluster id {Client.ClusterId}"
        : $"gateways from the Azure membership table (profile {Profile}, cluster id {Client.ClusterId}") + (Client.Tls is null ? ")" : ", TLS)");

    /// <summary>Reads the profile and applies <paramref name="request"/>; a missing or bad setting is a usage error naming it.</summary>
    public static ClusterSettings Load(ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string profile;
        SiloConfigDirectory dir;
        IConfigurationRoot layered;
        try
        {
            profile = SiloConfigDirectory.ResolveProfile(request.Profile);
            dir = SiloConfigDirectory.Find(SiloConfigDirectory.ResolveDirectory(request.ConfigDirectory));
            layered = dir.Load(profile);
        }
        catch (SiloConfigException ex)
        {
            throw CommandFailedException.Usage(ex.Message);
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
        var tlsOptions = TlsOverrides(request, layered, overrides);
        var config = new ConfigurationBuilder()
            .AddConfiguration(layered)
            .AddInMemoryCollection(overrides)
            .Build();

        // The profile's relative certificate path is relative to the profile, as for the silo; --tls-certificate was made
        // absolute above (relative to the working directory, where the operator typed it).
        var gateway = request.Gateway is { } explicitGateway ? ParseGateway(explicitGateway) : null;
        var failures = new List<string>();
        var client = ClusterClientSettings.Read(config, failures, gateway, baseDirectory: dir.Path);
        if (client is null)
        {
            var named = failures.Select(f => tlsOptions.Concat(KeyOptions).Aggregate(f, (text, o) => NameOption(text, o.Key, o.Option)));
            var topic = failures.TrueForAll(f => f.StartsWith(TransactionTlsSection.Section, StringComparison.Ordinal)) ? "TLS" : "configuration";
            throw CommandFailedException.Usage($"{topic} (profile {profile}, {dir.Path}): {string.Join(" ", named)}");
        }

        return new ClusterSettings
        {
            Profile = profile,
            Client = client,
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
}
