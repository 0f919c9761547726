using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using OrleansRecovery;
using OrleansRecovery.Client;

namespace Orleans.Hosting;

/// <summary>Client-side wiring for OrleansRecovery.</summary>
public static class TransactionRecoveryClientBuilderExtensions
{
    /// <summary>
    /// Adds the Azure Queue stream provider that silos configured with <c>UseTransactionRecoveryAzureStorage</c> consume, so
    /// this client can publish transaction messages. <paramref name="queuePrefix"/> and <paramref name="queueCount"/> must match
    /// the silos'.
    /// </summary>
    public static IClientBuilder UseTransactionRecoveryStreams(this IClientBuilder builder, string connectionString,
        string providerName = TransactionStreams.ProviderName, string queuePrefix = TransactionStreams.DefaultQueuePrefix,
        int queueCount = TransactionStreams.DefaultQueueCount)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.AddAzureQueueStreams(providerName, ob => ob.Configure(o =>
        {
            o.QueueServiceClient = new QueueServiceClient(connectionString);
            o.QueueNames = TransactionStreams.QueueNames(queuePrefix, queueCount);
        }));
        return builder;
    }

    /// <summary>
    /// Connects to the silos over TLS (Microsoft.Orleans.Connections.Security), for a cluster whose silos have
    /// <c>Orleans:Tls:Enabled</c>: the silos' certificate is checked by <see cref="TransactionClientTlsOptions.TargetHost"/> or
    /// <see cref="TransactionClientTlsOptions.TrustedThumbprints"/> (the same rule the silos apply to each other), and the client
    /// certificate, if any, is presented (needed when the silos require client certificates).
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="options">The TLS options; checked (and a client certificate file loaded) here.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; its failures name each property at fault.</exception>
    public static IClientBuilder UseTransactionRecoveryTls(this IClientBuilder builder, TransactionClientTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        // Built now, not when the first connection opens: a wrong certificate or password fails the configuration, in the
        // caller's stack, instead of surfacing as "no gateway could be reached".
        return builder.UseTls(options.Prepare());
    }

    /// <summary>
    /// Connects to the silos over TLS, with options set by <paramref name="configure"/>; see
    /// <see cref="UseTransactionRecoveryTls(IClientBuilder, TransactionClientTlsOptions)"/>.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not usable; its failures name each property at fault.</exception>
    public static IClientBuilder UseTransactionRecoveryTls(this IClientBuilder builder, Action<TransactionClientTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TransactionClientTlsOptions();
        configure(options);
        return builder.UseTransactionRecoveryTls(options);
    }
}
