using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Cli.Errors;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using OrleansRecovery.Client;
using OrleansRecovery.Configuration;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// A cluster client for one command: either one recoveryctl connected itself (and disconnects when disposed) or one it was
/// given (tests, embedding), which it leaves alone.
/// </summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly IHost? _host;

    private ClusterConnection(IClusterClient client, IHost? host)
    {
        Client = client;
        _host = host;
    }

    /// <summary>The connected client.</summary>
    public IClusterClient Client { get; }

    /// <summary>Wraps a client someone else owns.</summary>
    public static ClusterConnection Borrow(IClusterClient client) => new(client, host: null);

    /// <summary>
    /// Connects as described by <paramref name="settings"/>, retrying while the gateway is not there yet, for at most
    /// <see cref="ClusterSettings.ConnectTimeout"/>.
    /// </summary>
    /// <exception cref="ClusterUnreachableException">No gateway answered in time.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Orleans logs every failed gateway attempt as a warning; the one-line error below says what matters. Only a failed
        // TLS handshake is kept (Orleans closes the connection and reports just "unable to connect"), to say why.
        builder.Logging.ClearProviders();
        var handshake = new TlsHandshakeFailures();
        builder.Logging.AddProvider(handshake);
        var clusterIds = new GatewayClusterIds();
        builder.Logging.AddProvider(clusterIds);
        var deadline = DateTimeOffset.UtcNow + settings.ConnectTimeout;
        Exception? lastFailure = null;
        string? refusedSilo = null;
        builder.Configuration.AddConfiguration(settings.Configuration);
        builder.Services.AddOrleansClient(SiloConfigFiles.ClientView(settings.Configuration), client =>
        {
            // Orleans joins from its own keys (cluster id, clustering); the messaging limits and TLS are the silos' too.
            client.Services.AddOptions<ClientMessagingOptions>().Bind(settings.Configuration.GetSection("Orleans:Messaging"));
            if (settings.Tls is { } tls)
            {
                tls.CertificateRefused = (certificate, errors) => refusedSilo = DescribeRefusal(certificate, errors, tls);
                client.UseTransactionRecoveryTls(tls, settings.ContentRoot);
            }

            // A gateway that is still starting gets until the deadline; then the start fails with the last reason.
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                lastFailure = exception;

                // A gateway of another cluster will not change its mind: stop now and say so.
                if (clusterIds.ClosedInHandshake || DateTimeOffset.UtcNow + RetryPause >= deadline)
                {
                    return false;
                }

                await Task.Delay(RetryPause, token);
                return true;
            });
        });

        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            // WaitAsync bounds the start even where a provider (e.g. a membership table read) ignores the token.
            await host.StartAsync(timeout.Token).WaitAsync(settings.ConnectTimeout + TimeSpan.FromSeconds(2), cancellationToken);
            return new ClusterConnection(host.Services.GetRequiredService<IClusterClient>(), host);
        }
#pragma warning disable CA1031 // Every failure to connect becomes the same clear, one-line error (exit code 3).
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            await StopQuietlyAsync(host);
            var reason = ErrorReport.FirstLine((lastFailure ?? ex) is OperationCanceledException or TimeoutException
                ? "no gateway answered"
                : (lastFailure ?? ex).Message);

            // A gateway answered but refused this client in Orleans' handshake: without TLS that is another cluster id. Say so,
            // and which flag to pass, rather than "unable to connect".
            if (clusterIds.Answered is { } answered)
            {
                reason = $"a gateway answered, but it belongs to cluster id '{answered}', not '{settings.ClusterId}'; " +
                    $"pass --cluster-id {answered} (or set Orleans:ClusterId, e.g. Orleans__ClusterId={answered})";
            }
            else if (clusterIds.ClosedInHandshake && settings.Tls is null)
            {
                reason = $"a gateway answered but closed the connection in Orleans' handshake, as a gateway of another cluster id " +
                    $"does: this client's cluster id is '{settings.ClusterId}'; pass the silos' Orleans:ClusterId with --cluster-id " +
                    "(their start-up log says it: 'OrleansRecovery silo started: cluster …'), or an --environment that has it";
            }

            // A TLS failure explains the "unable to connect" better than Orleans can: say it, naming the settings to check.
            if (settings.Tls is { } tls)
            {
                reason = $"{reason.TrimEnd('.')}; {DescribeTlsFailure(tls, refusedSilo, handshake.Last)}";
            }

            throw new ClusterUnreachableException(string.Create(CultureInfo.InvariantCulture,
                $"cannot reach the cluster at {settings.Describe()} within {settings.ConnectTimeout.TotalSeconds:0.#} s: {reason}"), ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await StopQuietlyAsync(_host);
        }
    }

    /// <summary>
    /// What TLS has to do with a failed connection. A silo certificate this client refused, or a handshake that failed here, is
    /// certain. A silo that refuses this client's certificate cannot be told from a silo that is down (TLS 1.3 finishes the
    /// client's side of the handshake before the silo checks its certificate, and the silo then just closes the connection),
    /// so that is said as a hint naming the certificate.
    /// </summary>
    private static string DescribeTlsFailure(TransactionTlsOptions tls, string? refusedSilo, string? handshakeFailure)
    {
        if (refusedSilo is not null)
        {
            return refusedSilo;
        }

        if (handshakeFailure is not null)
        {
            return $"the TLS handshake failed ({handshakeFailure.TrimEnd('.')}); check that the silos have TLS on (Orleans:Tls:Enabled)";
        }

        return (string.IsNullOrWhiteSpace(tls.CertificatePath) ? tls.StoreSubject : tls.CertificatePath) is { Length: > 0 } certificate
            ? $"TLS is on: if a gateway is up, check that the silos accept this client's certificate '{certificate}' (Orleans:Tls:CertificatePath, Orleans:Tls:StoreSubject or --tls-certificate)"
            : "TLS is on and this client presents no certificate: if the silos require one (Orleans:Tls:RequireClientCertificate), set Orleans:Tls:CertificatePath or --tls-certificate";
    }

    /// <summary>Why a silo's certificate was refused, naming the settings that would accept it.</summary>
    private static string DescribeRefusal(X509Certificate2 certificate, SslPolicyErrors errors, TransactionTlsOptions tls)
    {
        var pins = tls.TrustedThumbprints.Count == 0 ? "none" : string.Join(", ", tls.TrustedThumbprints);
        var host = tls.TargetHost is null ? "not set" : $"'{tls.TargetHost}'";
        return $"TLS: the silo's certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint}) was refused ({errors}); " +
            $"it must chain to a trusted root and be issued for Orleans:Tls:TargetHost (--tls-target-host; {host}), " +
            $"or be pinned in Orleans:Tls:TrustedThumbprints (--tls-thumbprint; {pins})";
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            using var stop = new CancellationTokenSource(StopTimeout);
            await host.StopAsync(stop.Token).WaitAsync(StopTimeout + TimeSpan.FromSeconds(1));
        }
#pragma warning disable CA1031 // Leaving: a client that cannot say goodbye to an unreachable cluster is not an error.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            host.Dispose();
        }
    }
}
