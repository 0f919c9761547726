using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansRecovery.Cli.Errors;

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

        // Orleans logs every failed gateway attempt as a warning; the one-line error below says what matters.
        builder.Logging.ClearProviders();
        var deadline = DateTimeOffset.UtcNow + settings.ConnectTimeout;
        Exception? lastFailure = null;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            if (settings.Gateway is { } gateway)
            {
                client.UseStaticClustering(gateway);
            }
            else
            {
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(settings.ConnectionString));
            }

            client.Configure<ClientMessagingOptions>(o =>
            {
                if (settings.MaxMessageBodySize is { } body)
                {
                    o.MaxMessageBodySize = body;
                }

                if (settings.MaxMessageHeaderSize is { } header)
                {
                    o.MaxMessageHeaderSize = header;
                }
            });

            // A gateway that is still starting gets until the deadline; then the start fails with the last reason.
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                lastFailure = exception;
                if (DateTimeOffset.UtcNow + RetryPause >= deadline)
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
