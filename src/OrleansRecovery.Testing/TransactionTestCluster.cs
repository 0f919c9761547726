using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansRecovery.Hosting;
using OrleansRecovery.Logic;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Testing;

/// <summary>
/// An in-process Orleans test cluster running <c>TransactionGrain</c> with the application's logic on Azure Storage (usually an
/// <see cref="AzuriteInstance"/>): silos wired with <c>UseTransactionRecoveryAzureStorage</c> and <c>AddTransactionRecovery</c>,
/// and a client wired with <c>UseTransactionRecoveryStreams</c>. Also reads what storage holds, without calling any grain, and
/// finds or kills the silo hosting a transaction.
/// </summary>
/// <example>
/// <code>
/// await using var azurite = await AzuriteInstance.StartAsync();
/// await using var cluster = await TransactionTestCluster.StartAsync&lt;MyLogic&gt;(azurite.ConnectionString);
/// var result = await cluster.Client.GetTransaction("order-1").SubmitAsync(message);
/// </code>
/// </example>
public sealed class TransactionTestCluster : IAsyncDisposable
{
    private const string ReminderTableName = "OrleansReminders";
    private AzuriteInstance? _ownedAzurite;

    private TransactionTestCluster(InProcessTestCluster cluster, string connectionString, string queuePrefix, int queueCount, string tableName)
    {
        Cluster = cluster;
        ConnectionString = connectionString;
        QueuePrefix = queuePrefix;
        QueueCount = queueCount;
        TableName = tableName;
    }

    /// <summary>The Orleans test cluster (silos, kill/stop/start, deactivation).</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The cluster's client.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The storage account the cluster uses.</summary>
    public string ConnectionString { get; }

    /// <summary>The prefix of the Azure queue names (producers need it).</summary>
    public string QueuePrefix { get; }

    /// <summary>The number of Azure queues.</summary>
    public int QueueCount { get; }

    /// <summary>The Azure table holding the transactions' grain records (what a test reads to check storage itself).</summary>
    public string TableName { get; }

    /// <summary>
    /// The Azure queues the cluster's streams use (<see cref="QueuePrefix"/> and a number), e.g. to check that a test left none
    /// of its events behind.
    /// </summary>
    public IReadOnlyList<string> QueueNames => TransactionStreams.QueueNames(QueuePrefix, QueueCount);

    /// <summary>The cluster's ServiceId (part of every grain storage partition key).</summary>
    public string ServiceId => Cluster.Options.ServiceId;

    /// <summary>The cluster's ClusterId (unique per test cluster).</summary>
    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>Whether the silos listen on real TCP ports (<see cref="TransactionTestClusterOptions.UseSockets"/>).</summary>
    public bool UsesSockets { get; private init; }

    /// <summary>
    /// Configures a client of another host in the test (a stream producer, a front-end under test) to join this cluster: its
    /// cluster and service ids, the gateways of the silos active at each refresh (so the client follows silos killed and started),
    /// and the transaction streams on the cluster's queues. Needs <see cref="TransactionTestClusterOptions.UseSockets"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// // No defaults: an appsettings.json of a silo copied into the test's output would configure this client too.
    /// var frontEnd = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    /// frontEnd.UseOrleansClient(client => cluster.ConfigureExternalClient(client));
    /// using var host = frontEnd.Build();
    /// await host.StartAsync();
    /// </code>
    /// </example>
    /// <exception cref="InvalidOperationException">The cluster runs on the in-memory transport, which no other host can reach.</exception>
    public IClientBuilder ConfigureExternalClient(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!UsesSockets)
        {
            throw new InvalidOperationException(
                "This test cluster runs on Orleans' in-memory transport, which no other host can join. Start it with " +
                "TransactionTestClusterOptions.UseSockets = true to connect an external client.");
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        });
        client.Services.AddSingleton<IGatewayListProvider>(new TestClusterGateways(Cluster));
        client.UseTransactionRecoveryStreams(ConnectionString, queuePrefix: QueuePrefix, queueCount: QueueCount);
        return client;
    }

    /// <summary>Starts a cluster on the storage account of <paramref name="connectionString"/>.</summary>
    /// <typeparam name="TLogic">The application's transaction logic.</typeparam>
    public static async Task<TransactionTestCluster> StartAsync<TLogic>(string connectionString,
        Action<TransactionTestClusterOptions>? configure = null)
        where TLogic : class, ITransactionLogic
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new TransactionTestClusterOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SiloCount, 1);

        var builder = new InProcessTestClusterBuilder(checked((short)options.SiloCount));
        var tableName = new TransactionAzureStorageOptions().TableName;
        builder.ConfigureSilo((_, silo) => tableName = ConfigureSilo<TLogic>(silo, connectionString, options));
        if (options.UseSockets)
        {
            builder.ConfigureSiloHost((_, host) => SocketTransport.Use(host));
            builder.ConfigureClientHost(SocketTransport.Use);
        }

        builder.ConfigureClient(client =>
        {
            client.UseTransactionRecoveryStreams(connectionString, queuePrefix: options.QueuePrefix, queueCount: options.QueueCount);
            options.ConfigureClient?.Invoke(client);
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync().ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new TransactionTestCluster(cluster, connectionString, options.QueuePrefix, options.QueueCount, tableName)
        {
            UsesSockets = options.UseSockets,
        };
    }

    /// <summary>Starts an <see cref="AzuriteInstance"/> (in memory) and a cluster on it; disposing the cluster kills Azurite too.</summary>
    /// <typeparam name="TLogic">The application's transaction logic.</typeparam>
    public static async Task<TransactionTestCluster> StartWithAzuriteAsync<TLogic>(Action<TransactionTestClusterOptions>? configure = null)
        where TLogic : class, ITransactionLogic
    {
        var azurite = await AzuriteInstance.StartAsync().ConfigureAwait(false);
        try
        {
            var cluster = await StartAsync<TLogic>(azurite.ConnectionString, configure).ConfigureAwait(false);
            cluster._ownedAzurite = azurite;
            return cluster;
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The grain id of the transaction (what storage hooks such as <see cref="StorageFaults"/> receive).</summary>
    public GrainId GrainIdOf(string transactionId) => Client.GetTransaction(transactionId).GetGrainId();

    /// <summary>A publisher onto the inbound streams of the cluster's transactions.</summary>
    public TransactionStreamPublisher CreatePublisher() => new(Client);

    /// <summary>The silo where <paramref name="transactionId"/> is active, or null when it is not active anywhere.</summary>
    public async Task<InProcessSiloHandle?> FindHostAsync(string transactionId)
    {
        var grain = Client.GetTransaction(transactionId);
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain).ConfigureAwait(false);
        return address is null ? null : Cluster.Silos.FirstOrDefault(s => s.SiloAddress.Equals(address));
    }

    /// <summary>Kills (no graceful shutdown) the silo where <paramref name="transactionId"/> is active, and returns it.</summary>
    /// <exception cref="InvalidOperationException">The transaction is not active anywhere.</exception>
    public async Task<InProcessSiloHandle> KillHostAsync(string transactionId)
    {
        var host = await FindHostAsync(transactionId).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Transaction '{transactionId}' is not active on any silo.");
        await Cluster.KillSiloAsync(host).ConfigureAwait(false);
        return host;
    }

    /// <summary>Starts silos until at least <paramref name="count"/> are active (e.g. after a test killed one).</summary>
    public async Task EnsureSiloCountAsync(int count)
    {
        while (Cluster.Silos.Count(s => s.IsActive) < count)
        {
            await Cluster.StartAdditionalSiloAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the transaction's header record straight from grain storage, through an active silo's storage provider, without
    /// calling (or activating) the grain. Null when none is stored.
    /// </summary>
    internal async Task<TransactionHeaderRecord?> ReadHeaderAsync(string transactionId)
    {
        var services = Cluster.Silos.First(s => s.IsActive).ServiceProvider;
        var providerName = services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.StorageProviderName;
        if (BucketTableOf(services, providerName) is { } buckets)
        {
            var records = await buckets.ReadRecordsAsync(transactionId, CancellationToken.None).ConfigureAwait(false);
            return records.TryGetValue(StateNames.Header, out var row)
                ? buckets.Serializer.Deserialize<TransactionHeaderRecord>(new BinaryData(OrleansRecovery.Batching.RecordEntity.Data(row)))
                : null;
        }

        var storage = services.GetRequiredKeyedService<IGrainStorage>(providerName);
        var state = new GrainState<TransactionHeaderRecord>(new TransactionHeaderRecord());
        await storage.ReadStateAsync(StateNames.Header, GrainIdOf(transactionId), state).ConfigureAwait(false);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>
    /// Counts the pending-log segment rows (<c>txn-pending-*</c>) of the transaction in the Azure table, without calling the grain.
    /// Segments are deleted once fully applied, so this reaches 0 when a replay has finished and cleaned up.
    /// </summary>
    public async Task<int> CountSegmentRowsAsync(string transactionId)
    {
        var rows = await ReadRowKeysAsync(transactionId).ConfigureAwait(false);
        return rows.Count(r => r.StartsWith("txn-pending-", StringComparison.Ordinal));
    }

    /// <summary>The row keys (state names) stored for the transaction in the Azure table, without calling the grain.</summary>
    public async Task<IReadOnlyList<string>> ReadRowKeysAsync(string transactionId)
    {
        var services = Cluster.Silos.First(s => s.IsActive).ServiceProvider;
        var providerName = services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.StorageProviderName;
        if (BucketTableOf(services, providerName) is { } buckets)
        {
            // The batching layout: the transaction's rows in its bucket, named as in the default layout.
            return [.. (await buckets.ReadRecordsAsync(transactionId, CancellationToken.None).ConfigureAwait(false)).Keys];
        }

        var table = new TableServiceClient(ConnectionString).GetTableClient(TableName);
        var partitionKey = PartitionKeyOf(transactionId);
        var keys = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partitionKey, select: ["RowKey"]).ConfigureAwait(false))
        {
            keys.Add(entity.RowKey);
        }

        return keys;
    }

    /// <summary>
    /// The names of the reminders registered for the transaction (e.g. the replay watchdog), read straight from the Azure
    /// reminder table (<c>OrleansReminders</c>), without calling the grain.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadReminderNamesAsync(string transactionId)
    {
        var table = new TableServiceClient(ConnectionString).GetTableClient(ReminderTableName);
        var grain = GrainIdOf(transactionId).ToString();
        var names = new List<string>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.GetString("GrainReference") == grain).ConfigureAwait(false))
            {
                names.Add(row.GetString("ReminderName"));
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No reminder was ever registered: the table does not exist yet.
        }

        return names;
    }

    /// <summary>The batching layout's table when the silo stores transaction records that way, else null.</summary>
    private static OrleansRecovery.Batching.BucketTable? BucketTableOf(IServiceProvider services, string providerName) =>
        services.GetKeyedService<ITransactionRecordStoreFactory>(providerName) as OrleansRecovery.Batching.BucketTable;

    /// <summary>The Azure Table partition key the Orleans table provider uses for the transaction's records.</summary>
    public string PartitionKeyOf(string transactionId) => Sanitize($"{ServiceId}_{GrainIdOf(transactionId)}");

    /// <summary>
    /// Waits until the transaction is Normal with nothing pending and no replay running (asks the grain's status).
    /// </summary>
    public Task<TransactionStatus> WaitForReplayAsync(string transactionId, TimeSpan timeout) =>
        Eventually.WaitForAsync(
            () => Client.GetTransaction(transactionId).GetStatusAsync(),
            s => s is { Mode: TransactionMode.Normal, PendingCount: 0, Replaying: false },
            timeout,
            $"transaction '{transactionId}' has replayed its pending log");

    /// <summary>Stops the cluster, and the Azurite it started if any.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
        if (_ownedAzurite is not null)
        {
            await _ownedAzurite.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Sanitize(string key) =>
        key.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

    private static string ConfigureSilo<TLogic>(ISiloBuilder silo, string connectionString, TransactionTestClusterOptions options)
        where TLogic : class, ITransactionLogic
    {
        string? providerName = null;
        string? tableName = null;
        var batching = false;
        silo.UseTransactionRecoveryAzureStorage(connectionString, azure =>
        {
            azure.QueuePrefix = options.QueuePrefix;
            azure.QueueCount = options.QueueCount;
            options.ConfigureAzureStorage?.Invoke(azure);
            providerName = azure.StorageProviderName;
            tableName = azure.TableName;
            batching = azure.Batching.Enabled;
            if (options.WrapStorage is not null)
            {
                // The real provider gets another name; the grains use the wrapper under the original one.
                azure.StorageProviderName = providerName + "-wrapped";
            }
        });

        if (options.WrapStorage is { } wrap)
        {
            var inner = providerName + "-wrapped";
            silo.Services.AddKeyedSingleton<IGrainStorage>(providerName,
                (services, _) => wrap(services, services.GetRequiredKeyedService<IGrainStorage>(inner)));
            if (batching)
            {
                // Transaction records keep their batching layout under the original name; only the other records are wrapped.
                silo.Services.AddKeyedSingleton<ITransactionRecordStoreFactory>(providerName,
                    (services, _) => services.GetRequiredKeyedService<ITransactionRecordStoreFactory>(inner));
            }

            silo.Services.PostConfigure<TransactionRecoveryOptions>(o => o.StorageProviderName = providerName!);
        }

        if (options.MinimumReminderPeriod is { } minimum)
        {
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = minimum);
        }

        silo.AddTransactionRecovery<TLogic>(builder => builder.Configure(o => options.ConfigureRecovery?.Invoke(o)));
        GrainDirectoryLoopGuard.AddTo(silo.Services);
        options.ConfigureSilo?.Invoke(silo);
        return tableName!;
    }
}
