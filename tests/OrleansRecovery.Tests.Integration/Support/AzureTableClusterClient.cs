using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// A client host of a cluster that uses Azure Table membership (service id <c>orleansrecovery</c>), started within 60 s, that
/// fails at once when no gateway accepts it (no retrying): what the TLS tests need to see a refused connection as an error.
/// </summary>
internal static class AzureTableClusterClient
{
    /// <summary>Starts the client; <paramref name="configure"/> adds what the test is about (its TLS settings).</summary>
    public static async Task<IHost> StartAsync(string clusterId, string connectionString, Action<IClientBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "orleansrecovery";
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));

            // Orleans gives a connection 5 s to open; a TLS handshake on a busy machine can take longer, and this client does not
            // retry. A refused handshake still fails at once.
            client.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = TimeSpan.FromSeconds(30));
            configure(client);

            // Fail at once instead of retrying forever.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        try
        {
            using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(start.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
