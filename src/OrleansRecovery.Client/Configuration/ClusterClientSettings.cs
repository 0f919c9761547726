using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansRecovery.Client;

/// <summary>
/// How a client joins the cluster a <c>silo-config</c> profile describes, read from the silos' own keys: <c>Orleans:ClusterId</c>,
/// <c>Orleans:ServiceId</c>, <c>Orleans:ClusteringMode</c> (<c>Localhost</c>: the gateway on loopback at <c>Orleans:GatewayPort</c>;
/// <c>AzureTable</c>: gateways from the membership table on <c>Storage:ConnectionString</c>), <c>Orleans:Messaging:*</c> (the
/// silos' message size limits) and <c>Orleans:Tls:*</c> (<see cref="TransactionTlsSection"/>). <see cref="ApplyTo"/> configures an
/// Orleans client with them. recoveryctl, the demo and the operators' web host connect through it.
/// </summary>
public sealed class ClusterClientSettings
{
    /// <summary>The gateway port used when a Localhost profile does not set <c>Orleans:GatewayPort</c> (Orleans' default).</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The smallest message size limit accepted from configuration.</summary>
    public const int MinMessageSize = 1024;

    /// <summary><c>Orleans:ClusterId</c>: silos and clients of one cluster share it.</summary>
    public required string ClusterId { get; init; }

    /// <summary><c>Orleans:ServiceId</c>.</summary>
    public required string ServiceId { get; init; }

    /// <summary>The gateway to connect to directly (Localhost clustering, or one named explicitly); null with Azure Table clustering.</summary>
    public IPEndPoint? Gateway { get; init; }

    /// <summary><c>Storage:ConnectionString</c>: the storage account (membership table for Azure Table clustering); null when unset.</summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>Orleans:Messaging:MaxMessageBodySize</c>, or null to keep Orleans' default.</summary>
    public int? MaxMessageBodySize { get; init; }

    /// <summary><c>Orleans:Messaging:MaxMessageHeaderSize</c>, or null to keep Orleans' default.</summary>
    public int? MaxMessageHeaderSize { get; init; }

    /// <summary><c>Orleans:Tls:*</c> read for a client (certificate loaded and checked), or null when TLS is off.</summary>
    public TransactionTlsSection? Tls { get; init; }

    /// <summary>
    /// Reads and checks the client's settings in <paramref name="configuration"/>. Returns null when a setting is missing or
    /// wrong: then one failure per problem is added to <paramref name="failures"/>, each naming its key.
    /// </summary>
    /// <param name="configuration">The layered configuration (see <see cref="SiloConfigDirectory.AddProfile"/>).</param>
    /// <param name="failures">Where problems are added.</param>
    /// <param name="gateway">A gateway to connect to directly, whatever the profile's clustering; null to follow the profile.</param>
    /// <param name="baseDirectory">Relative certificate paths are resolved against it (the profile's directory).</param>
    /// <param name="environment">Reads environment variables (the certificate password); default: the process environment.</param>
    public static ClusterClientSettings? Read(IConfiguration configuration, ICollection<string> failures, IPEndPoint? gateway = null,
        string? baseDirectory = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var before = failures.Count;

        string? Text(string key) => configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        string Required(string key)
        {
            if (Text(key) is { } value)
            {
                return value;
            }

            failures.Add($"{key} is missing; set it in the profile or the environment ({key.Replace(":", "__", StringComparison.Ordinal)}).");
            return string.Empty;
        }

        int? Int(string key, int min, int max, string allowed) => ProfileValues.WholeNumber(configuration, key, min, max, failures, allowed);

        var clusterId = Required("Orleans:ClusterId");
        var serviceId = Required("Orleans:ServiceId");
        var connectionString = Text("Storage:ConnectionString");
        if (gateway is null)
        {
            var clustering = Required("Orleans:ClusteringMode");
            if (clustering.Equals("AzureTable", StringComparison.OrdinalIgnoreCase))
            {
                if (connectionString is null)
                {
                    Required("Storage:ConnectionString");
                }
            }
            else if (clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
            {
                var port = Int("Orleans:GatewayPort", 1, 65535, "a port number between 1 and 65535") ?? DefaultGatewayPort;
                gateway = new IPEndPoint(IPAddress.Loopback, port);
            }
            else if (clustering.Length > 0)
            {
                failures.Add($"Orleans:ClusteringMode is '{clustering}'; it must be Localhost or AzureTable.");
            }
        }

        var messageSize = $"a whole number of bytes between {MinMessageSize} and {int.MaxValue}";
        var body = Int("Orleans:Messaging:MaxMessageBodySize", MinMessageSize, int.MaxValue, messageSize);
        var header = Int("Orleans:Messaging:MaxMessageHeaderSize", MinMessageSize, int.MaxValue, messageSize);

        // The same reader as the silo's, so a profile that works for the silos works here.
        var tls = TransactionTlsSection.Read(configuration, TransactionTlsRole.Client, failures, environment, baseDirectory);
        if (failures.Count > before)
        {
            tls?.Certificate?.Dispose();
            return null;
        }

        return new ClusterClientSettings
        {
            ClusterId = clusterId,
            ServiceId = serviceId,
            Gateway = gateway,
            ConnectionString = connectionString,
            MaxMessageBodySize = body,
            MaxMessageHeaderSize = header,
            Tls = tls,
        };
    }

    /// <summary>
    /// Configures <paramref name="client"/> to join the cluster: <see cref="ClusterOptions"/>, static clustering on
    /// <see cref="Gateway"/> or Azure Table clustering on <see cref="ConnectionString"/>, the message size limits that are set,
    /// and TLS (<c>UseTransactionRecoveryTls</c>) when <see cref="Tls"/> is on.
    /// </summary>
    /// <param name="client">The client being built.</param>
    /// <param name="configureTls">Adjusts the TLS options before they are used (e.g. to report a refused silo certificate).</param>
    /// <exception cref="InvalidOperationException">Neither a gateway nor a connection string is set.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The TLS options are not usable.</exception>
    public IClientBuilder ApplyTo(IClientBuilder client, Action<TransactionClientTlsOptions>? configureTls = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        });
        if (Gateway is { } gateway)
        {
            client.UseStaticClustering(gateway);
        }
        else if (ConnectionString is { } connectionString)
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString));
        }
        else
        {
            throw new InvalidOperationException(
                $"{nameof(ClusterClientSettings)} needs a {nameof(Gateway)} or, for Azure Table clustering, a {nameof(ConnectionString)}.");
        }

        if (MaxMessageBodySize is not null || MaxMessageHeaderSize is not null)
        {
            client.Configure<ClientMessagingOptions>(o =>
            {
                o.MaxMessageBodySize = MaxMessageBodySize ?? o.MaxMessageBodySize;
                o.MaxMessageHeaderSize = MaxMessageHeaderSize ?? o.MaxMessageHeaderSize;
            });
        }

        if (Tls is { } tls)
        {
            var options = tls.ToClientOptions();
            configureTls?.Invoke(options);
            client.UseTransactionRecoveryTls(options);
        }

        return client;
    }
}
