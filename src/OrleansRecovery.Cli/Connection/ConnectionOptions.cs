using System.CommandLine;
using OrleansRecovery.Cli.Input;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// How to reach the cluster; options every command accepts (recursive). Without any, recoveryctl reads the silos' own files
/// (<c>silo-config/appsettings.json</c>, then <c>appsettings.{Environment}.json</c>) and the environment (<c>Orleans__ClusterId</c>,
/// <c>ConnectionStrings__storage</c>, <c>Orleans__Tls__Enabled</c>, …), with Orleans' keys; an option here overrides its key.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>The default bound on connecting: long enough for a gateway that is starting, short enough for a script.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly List<Option> _all = [];

    public ConnectionOptions()
    {
        Environment = Add(new Option<string?>("--environment", "--profile") { Description = "Which silo-config/appsettings.{Environment}.json to read, e.g. Cluster or Compose [default: $DOTNET_ENVIRONMENT, else appsettings.json alone]" });
        ConfigDirectory = Add(new Option<string?>("--config-dir") { Description = "Directory holding appsettings.json [default: silo-config/ found upwards from the working directory, or the one installed with recoveryctl]" });
        Gateway = Add(new Option<string?>("--gateway") { Description = "host:port of a silo gateway; connects there directly (Orleans:Clustering:Gateways) instead of the configured clustering" });
        ConnectionString = Add(new Option<string?>("--connection-string") { Description = "Azure Storage connection string of the membership table (ConnectionStrings:{Orleans:Clustering:ConnectionName})" });
        ClusterId = Add(new Option<string?>("--cluster-id") { Description = "Orleans:ClusterId [default: the configured one]" });
        ServiceId = Add(new Option<string?>("--service-id") { Description = "Orleans:ServiceId [default: the configured one]" });
        Tls = Add(new Option<bool>("--tls") { Description = "Connect over TLS (Orleans:Tls:Enabled) [default: the configured; implied by the other --tls-* options]" });
        TlsCertificate = Add(new Option<string?>("--tls-certificate") { Description = "PFX file with the client certificate (Orleans:Tls:CertificatePath, relative to the working directory); its password is read from the environment variable named by Orleans:Tls:CertificatePasswordVariable [default: ORLEANSRECOVERY_TLS_CERTIFICATE_PASSWORD]" });
        TlsTargetHost = Add(new Option<string?>("--tls-target-host") { Description = "Host name the silos' certificate is issued for (Orleans:Tls:TargetHost)" });
        TlsThumbprints = Add(new Option<string[]>("--tls-thumbprint") { Description = "Pinned silo certificate, SHA-1 or SHA-256 hex (Orleans:Tls:TrustedThumbprints; repeat or separate with commas); replaces the configured ones" });
        ConnectTimeout = Add(new Option<TimeSpan>("--connect-timeout") { Description = "Give up connecting after this long (exit code 3), e.g. 10s", CustomParser = DurationParser.Parse, DefaultValueFactory = _ => DefaultConnectTimeout });
    }

    public Option<string?> Environment { get; }
    public Option<string?> ConfigDirectory { get; }
    public Option<string?> Gateway { get; }
    public Option<string?> ConnectionString { get; }
    public Option<string?> ClusterId { get; }
    public Option<string?> ServiceId { get; }
    public Option<bool> Tls { get; }
    public Option<string?> TlsCertificate { get; }
    public Option<string?> TlsTargetHost { get; }
    public Option<string[]> TlsThumbprints { get; }
    public Option<TimeSpan> ConnectTimeout { get; }

    /// <summary>Adds the options to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root) => _all.ForEach(root.Add);

    /// <summary>What the command line said (nulls where it said nothing).</summary>
    public ConnectionRequest Read(ParseResult parse) => new()
    {
        Environment = parse.GetValue(Environment),
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

    private T Add<T>(T option)
        where T : Option
    {
        option.Recursive = true;
        _all.Add(option);
        return option;
    }
}

/// <summary>The connection options as given on the command line.</summary>
internal sealed record ConnectionRequest
{
    public string? Environment { get; init; }
    public string? ConfigDirectory { get; init; }
    public string? Gateway { get; init; }
    public string? ConnectionString { get; init; }
    public string? ClusterId { get; init; }
    public string? ServiceId { get; init; }
    public bool Tls { get; init; }
    public string? TlsCertificate { get; init; }
    public string? TlsTargetHost { get; init; }
    public IReadOnlyList<string> TlsThumbprints { get; init; } = [];
    public TimeSpan ConnectTimeout { get; init; } = ConnectionOptions.DefaultConnectTimeout;
}
