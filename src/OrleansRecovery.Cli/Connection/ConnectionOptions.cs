using System.CommandLine;
using OrleansRecovery.Cli.Input;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// How to reach the cluster; options every command accepts (recursive). Without any, recoveryctl reads the silo's
/// <c>silo-config</c> profile (default <c>local</c>) like the silo and the demo do, then the environment
/// (<c>Storage__ConnectionString</c>, <c>Orleans__ClusterId</c>, <c>Orleans__Tls__Enabled</c>, …); an option given here wins over both.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>The default bound on connecting: long enough for a gateway that is starting, short enough for a script.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "silo-config profile: local, cluster or compose [default: $ORLEANSRECOVERY_PROFILE or local]",
        Recursive = true,
    };

    public Option<string?> ConfigDirectory { get; } = new("--config-dir")
    {
        Description = "Directory holding appsettings.json and appsettings.{profile}.json [default: silo-config/ found upwards from the working directory, or the one installed with recoveryctl]",
        Recursive = true,
    };

    public Option<string?> Gateway { get; } = new("--gateway")
    {
        Description = "host:port of a silo gateway; connects there directly instead of using the profile's clustering",
        Recursive = true,
    };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Azure Storage connection string, for Azure Table clustering (profile cluster) [default: $Storage__ConnectionString or the profile's]",
        Recursive = true,
    };

    public Option<string?> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans ClusterId [default: the profile's]",
        Recursive = true,
    };

    public Option<string?> ServiceId { get; } = new("--service-id")
    {
        Description = "Orleans ServiceId [default: the profile's]",
        Recursive = true,
    };

    public Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Connect over TLS (Orleans:Tls:Enabled) [default: the profile's; implied by the other --tls-* options]",
        Recursive = true,
    };

    public Option<string?> TlsCertificate { get; } = new("--tls-certificate")
    {
        Description = "PFX file with the client certificate (Orleans:Tls:CertificatePath, relative to the working directory); its password is read from the environment variable named by Orleans:Tls:CertificatePasswordVariable [default: ORLEANSRECOVERY_TLS_CERTIFICATE_PASSWORD]",
        Recursive = true,
    };

    public Option<string?> TlsTargetHost { get; } = new("--tls-target-host")
    {
        Description = "Host name the silos' certificate is issued for (Orleans:Tls:TargetHost) [default: the profile's]",
        Recursive = true,
    };

    public Option<string[]> TlsThumbprints { get; } = new("--tls-thumbprint")
    {
        Description = "Pinned silo certificate, SHA-1 or SHA-256 hex (Orleans:Tls:TrustedThumbprints; repeat or separate with commas); replaces the profile's",
        Recursive = true,
    };

    public Option<TimeSpan> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Give up connecting after this long (exit code 3), e.g. 10s",
        Recursive = true,
        CustomParser = DurationParser.Parse,
        DefaultValueFactory = _ => DefaultConnectTimeout,
    };

    /// <summary>Adds the options to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        root.Add(Profile);
        root.Add(ConfigDirectory);
        root.Add(Gateway);
        root.Add(ConnectionString);
        root.Add(ClusterId);
        root.Add(ServiceId);
        root.Add(Tls);
        root.Add(TlsCertificate);
        root.Add(TlsTargetHost);
        root.Add(TlsThumbprints);
        root.Add(ConnectTimeout);
    }

    /// <summary>What the command line said (nulls where it said nothing).</summary>
    public ConnectionRequest Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new ConnectionRequest
        {
            Profile = parse.GetValue(Profile),
            ConfigDirectory = parse.GetValue(ConfigDirectory),
            Gateway = parse.GetValue(Gateway),
            ConnectionString = parse.GetValue(ConnectionString),
            ClusterId = parse.GetValue(ClusterId),
            ServiceId = parse.GetValue(ServiceId),
            Tls = parse.GetValue(Tls),
            TlsCertificate = parse.GetValue(TlsCertificate),
            TlsTargetHost = parse.GetValue(TlsTargetHost),
            TlsThumbprints = parse.GetValue(TlsThumbprints) ?? [],
            ConnectTimeout = parse.GetValue(ConnectTimeout),
        };
    }
}

/// <summary>The connection options as given on the command line.</summary>
internal sealed record ConnectionRequest
{
    public string? Profile { get; init; }
    public string? ConfigDirectory { get; init; }
    public string? Gateway { get; init; }
    public string? ConnectionString { get; init; }
    public string? ClusterId { get; init; }
    public string? ServiceId { get; init; }

    /// <summary><c>--tls</c>: connect over TLS whatever the profile says.</summary>
    public bool Tls { get; init; }

    /// <summary><c>--tls-certificate</c>: the client certificate's PFX file.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary><c>--tls-target-host</c>.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary><c>--tls-thumbprint</c> (each may hold several, comma-separated).</summary>
    public IReadOnlyList<string> TlsThumbprints { get; init; } = [];

    public TimeSpan ConnectTimeout { get; init; } = ConnectionOptions.DefaultConnectTimeout;
}
