using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Silo;

/// <summary>The host's own log messages (event ids 9xxx).</summary>
internal static partial class SiloLog
{
    [LoggerMessage(9001, LogLevel.Information,
        "Starting OrleansRecovery silo: environment {Environment} (from {ConfigDirectory}), cluster {ClusterId}, service {ServiceId}, " +
        "clustering {Clustering}, silo port {SiloPort}, gateway port {GatewayPort}, storage {Storage}")]
    public static partial void Starting(ILogger logger, string environment, string configDirectory, string clusterId, string serviceId,
        string clustering, int siloPort, int gatewayPort, string storage);

    [LoggerMessage(9002, LogLevel.Information,
        "Engine: storage provider {StorageProvider}, stream provider {StreamProvider}, dedup window {DedupWindow}, " +
        "max pending {MaxPending}, segment {SegmentMaxEntries} entries, replay batch {ReplayBatchSize}, registry reconcile every {ReconcileInterval}")]
    public static partial void EngineOptions(ILogger logger, string storageProvider, string streamProvider, int dedupWindow,
        long maxPending, int segmentMaxEntries, int replayBatchSize, TimeSpan reconcileInterval);

    [LoggerMessage(9004, LogLevel.Information,
        "Security: TLS {Tls} (certificate {Subject} {Thumbprint}, client certificates {ClientCertificates}), " +
        "max message body {MaxBody} bytes, max message header {MaxHeader} bytes")]
    public static partial void Security(ILogger logger, string tls, string subject, string thumbprint, string clientCertificates,
        int maxBody, int maxHeader);

    [LoggerMessage(9005, LogLevel.Information, "Observability: console logs {LogFormat}, Prometheus metrics endpoint {MetricsEndpoint}")]
    public static partial void Observability(ILogger logger, SiloLogFormat logFormat, string metricsEndpoint);

    [LoggerMessage(9006, LogLevel.Information, "Web: admin page {AdminUrl}, Orleans Dashboard {DashboardUrl}")]
    public static partial void Web(ILogger logger, string adminUrl, string dashboardUrl);

    [LoggerMessage(9007, LogLevel.Information, "Membership: {Membership}")]
    public static partial void Membership(ILogger logger, string membership);

    [LoggerMessage(9003, LogLevel.Information, "OrleansRecovery silo started: cluster {ClusterId}, clients connect to gateway port {GatewayPort}")]
    public static partial void Started(ILogger logger, string clusterId, int gatewayPort);
}
