using Orleans.Storage;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Testing;

/// <summary>How <see cref="TransactionTestCluster"/> builds its silos and client. Every hook is optional.</summary>
public sealed class TransactionTestClusterOptions
{
    /// <summary>Silos started at deploy. Default 2.</summary>
    public int SiloCount { get; set; } = 2;

    /// <summary>
    /// Prefix of the Azure queue names, unique per cluster by default so clusters sharing one Azurite do not consume each
    /// other's events.
    /// </summary>
    public string QueuePrefix { get; set; } = "orq" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Number of Azure queues. Default <see cref="TransactionStreams.DefaultQueueCount"/>.</summary>
    public int QueueCount { get; set; } = TransactionStreams.DefaultQueueCount;

    /// <summary>
    /// Lowers <c>ReminderOptions.MinimumReminderPeriod</c> (Orleans' default is 1 minute), which is the period of the registry
    /// shards' and campaigns' reminders: crash tests lower it so a restarted cluster picks them up sooner. Default null: Orleans' default.
    /// </summary>
    public TimeSpan? MinimumReminderPeriod { get; set; }

    /// <summary>Changes the engine's options on every silo (after the defaults and the Azure wiring).</summary>
    public Action<TransactionRecoveryOptions>? ConfigureRecovery { get; set; }

    /// <summary>Changes the Azure wiring (table name, poll period, visibility timeout...). The queue prefix and count come from this class.</summary>
    public Action<TransactionAzureStorageOptions>? ConfigureAzureStorage { get; set; }

    /// <summary>
    /// Wraps the transaction grain storage of every silo, e.g. with <see cref="InterceptingGrainStorage"/> to slow writes down or
    /// make them fail. Receives the silo's services and the real (Azure Table) storage; returns what the grains use. With the
    /// batching layout (<c>Batching.Enabled</c>) transaction headers and segments do not pass through grain storage, so only the
    /// other records (registry, scopes, campaigns) are wrapped.
    /// </summary>
    public Func<IServiceProvider, IGrainStorage, IGrainStorage>? WrapStorage { get; set; }

    /// <summary>
    /// Silos and the cluster's client talk over real loopback TCP (each silo on free ports the test cluster allocates) instead of
    /// the test cluster's in-memory transport, so that another host in the test (a stream producer, a front-end under test) can
    /// join the cluster as a client: <see cref="TransactionTestCluster.ConfigureExternalClient"/>. Default false: in memory, faster.
    /// </summary>
    public bool UseSockets { get; set; }

    /// <summary>Further silo configuration (extra grains' storage, logging...). Runs last.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Further client configuration. Runs last.</summary>
    public Action<IClientBuilder>? ConfigureClient { get; set; }
}
