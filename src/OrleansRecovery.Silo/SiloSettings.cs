using System.Net;
using OrleansRecovery.Client;

namespace OrleansRecovery.Silo;

/// <summary>How silos find each other.</summary>
public enum ClusteringMode
{
    /// <summary>A single silo on loopback (<c>UseLocalhostClustering</c>); clients connect to its gateway port.</summary>
    Localhost = 0,

    /// <summary>Membership in an Azure table (<c>UseAzureStorageClustering</c>) on the storage account: several silos, any hosts.</summary>
    AzureTable = 1,
}

/// <summary>
/// The host's own settings: the <c>Orleans</c> section and <c>Storage:ConnectionString</c>. The engine's settings are the
/// <c>OrleansRecovery</c> and <c>OrleansRecovery:Azure</c> sections.
/// </summary>
public sealed class SiloSettings
{
    /// <summary>The configuration section of the Orleans settings.</summary>
    public const string OrleansSection = "Orleans";

    /// <summary>
    /// The key (in <see cref="OrleansSection"/>) choosing the clustering. Not <c>Clustering</c>: Orleans reads
    /// <c>Orleans:Clustering</c> itself as a provider section (<c>Orleans:Clustering:ProviderType</c>).
    /// </summary>
    public const string ClusteringModeKey = "ClusteringMode";

    /// <summary>The configuration key of the storage connection string.</summary>
    public const string ConnectionStringKey = "Storage:ConnectionString";

    /// <summary>The environment variable that overrides <see cref="ConnectionStringKey"/>.</summary>
    public const string ConnectionStringEnvironmentVariable = "Storage__ConnectionString";

    /// <summary>The profile whose files were loaded (<c>silo-config/appsettings.{Profile}.json</c>).</summary>
    public required string Profile { get; init; }

    /// <summary>The directory the profile files were read from.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary><c>Orleans:ClusterId</c>: silos and clients of one cluster share it.</summary>
    public required string ClusterId { get; init; }

    /// <summary><c>Orleans:ServiceId</c>: stable across deployments; part of every storage key.</summary>
    public required string ServiceId { get; init; }

    /// <summary><c>Orleans:ClusteringMode</c>: <c>Localhost</c> or <c>AzureTable</c>.</summary>
    public required ClusteringMode Clustering { get; init; }

    /// <summary><c>Orleans:SiloPort</c>: silo-to-silo traffic.</summary>
    public required int SiloPort { get; init; }

    /// <summary><c>Orleans:GatewayPort</c>: where clients connect.</summary>
    public required int GatewayPort { get; init; }

    /// <summary>
    /// <c>Orleans:AdvertisedHost</c> (AzureTable clustering only): the host name or IP address other silos and clients use to reach
    /// this silo. Empty: the machine's host name (in a container, the container's address).
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary><c>Orleans:ListenOnAnyHostAddress</c> (AzureTable clustering only): listen on all interfaces (containers).</summary>
    public bool ListenOnAnyHostAddress { get; init; }

    /// <summary><c>Orleans:Messaging:*</c>: Orleans' message size limits, lowered to what the product needs.</summary>
    public SiloMessagingLimits Messaging { get; init; } = new();

    /// <summary><c>Orleans:ClusterMembership:*</c>: membership timing, and the reminder floor the engine's watchdog needs.</summary>
    public SiloMembershipSettings Membership { get; init; } = new();

    /// <summary><c>Orleans:Tls:*</c>: TLS for silo and client connections, or null when <c>Orleans:Tls:Enabled</c> is not true.</summary>
    public SiloTlsSettings? Tls { get; init; }

    /// <summary><c>Logging:Format</c> and <c>Observability:Metrics:Prometheus:*</c>: console log format and the metrics endpoint.</summary>
    public SiloObservabilitySettings Observability { get; init; } = new();

    /// <summary><c>Web:*</c>: the web host serving the Orleans Dashboard and the admin page (off unless enabled).</summary>
    public SiloWebSettings Web { get; init; } = new();

    /// <summary><c>Storage:ConnectionString</c>: the Azure Storage account (or Azurite) for state, streams, reminders and membership.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// How a client joins this silo's cluster, from these validated settings: its cluster and service ids, the gateway on loopback
    /// (Localhost clustering) or the membership table, the same message size limits, and TLS with this silo's certificate.
    /// </summary>
    public ClusterClientSettings ToClientSettings() => new()
    {
        ClusterId = ClusterId,
        ServiceId = ServiceId,
        Gateway = Clustering == ClusteringMode.Localhost ? new IPEndPoint(IPAddress.Loopback, GatewayPort) : null,
        ConnectionString = ConnectionString,
        MaxMessageBodySize = Messaging.MaxMessageBodySize,
        MaxMessageHeaderSize = Messaging.MaxMessageHeaderSize,
        Tls = Tls is { } tls
            ? new TransactionTlsSection
            {
                Certificate = tls.Certificate,
                RequireClientCertificate = tls.RequireClientCertificate,
                TrustedThumbprints = tls.TrustedThumbprints,
                TargetHost = tls.TargetHost,
                HandshakeTimeout = tls.HandshakeTimeout,
            }
            : null,
    };
}
