using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansRecovery.Hosting;

/// <summary>
/// Keeps a silo from reading transaction records in a layout other than the one they were stored in. The first silo of a service
/// to start records the layout of its transaction storage (default, or batching with its bucket count and table) in one row of the
/// storage's table; every later silo compares its configuration with that row and refuses to start on a difference, naming the
/// settings. Without it, turning <c>Batching:Enabled</c> on or off, or changing <c>BucketCount</c>, would make every stored
/// transaction look new: reads would find nothing, and new writes would start a second, diverging history
/// (docs/design.md, "Batching layout of transaction records").
/// </summary>
internal sealed partial class TransactionLayoutGuard(
    string serviceId, string storageName, TableServiceClient tables, string tableName, IOptionsMonitor<TransactionTableBatchingOptions> batching,
    string batchingSection, ILogger<TransactionLayoutGuard> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The partition of the layout rows: no transaction's partition key starts with '~'.</summary>
    internal const string PartitionKey = "~orleansrecovery";

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(TransactionLayoutGuard), ServiceLifecycleStage.ApplicationServices, CheckAsync);
    }

    /// <summary>What this silo is configured to use, in the words of the layout row.</summary>
    internal static TransactionLayout Configured(TransactionTableBatchingOptions options) => options.Enabled
        ? new TransactionLayout("batching", options.BucketCount, options.TableName)
        : new TransactionLayout("default", 0, string.Empty);

    /// <summary>Records the layout when none is recorded yet; otherwise compares, and throws on a difference.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var configured = Configured(batching.Get(storageName));
        var table = tables.GetTableClient(tableName);
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false); // the grain storage may not have created it yet
        var rowKey = RowKey(serviceId, storageName);
        var recorded = await ReadAsync(table, rowKey, cancellationToken).ConfigureAwait(false);
        if (recorded is null)
        {
            try
            {
                await table.AddEntityAsync(configured.ToEntity(PartitionKey, rowKey), cancellationToken).ConfigureAwait(false);
                LogRecorded(logger, storageName, configured, tableName);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another silo recorded it first: compare with what it wrote.
                recorded = await ReadAsync(table, rowKey, cancellationToken).ConfigureAwait(false);
            }
        }

        if (recorded is not null && recorded != configured)
        {
            throw new InvalidOperationException(
                $"Transaction storage '{storageName}' of service '{serviceId}' holds its records in the {recorded.Describe()}, recorded in table '{tableName}' " +
                $"(row '{PartitionKey}/{rowKey}') by the first silo that used it; this silo is configured for the {configured.Describe()} " +
                $"({batchingSection}:Enabled = {(configured.Name == "batching" ? "true" : "false")}" +
                $"{(configured.Name == "batching" ? $", {batchingSection}:BucketCount = {configured.BucketCount}, {batchingSection}:TableName = {configured.BucketTable}" : string.Empty)}). " +
                "Records are not moved between layouts: set those settings back to the recorded layout, or give this deployment new tables.");
        }
    }

    /// <summary>One row per service and storage name: records of another ServiceId are other records (their keys differ).</summary>
    internal static string RowKey(string serviceId, string storageName) =>
        $"layout|{Batching.BucketKeys.EscapeId(serviceId)}|{Batching.BucketKeys.EscapeId(storageName)}";

    private static async Task<TransactionLayout?> ReadAsync(TableClient table, string rowKey, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity ? TransactionLayout.FromEntity(entity) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction storage '{StorageName}': recorded its layout ({Layout}) in table '{TableName}'.")]
    private static partial void LogRecorded(ILogger logger, string storageName, TransactionLayout layout, string tableName);
}

/// <summary>A transaction storage's layout as its layout row records it.</summary>
internal sealed record TransactionLayout(string Name, int BucketCount, string BucketTable)
{
    /// <summary>In words, for messages.</summary>
    public string Describe() => Name == "batching" ? $"batching layout ({BucketCount} buckets in table '{BucketTable}')" : "default layout (a partition per transaction)";

    /// <summary>The row.</summary>
    public TableEntity ToEntity(string partitionKey, string rowKey) => new(partitionKey, rowKey)
    {
        ["Layout"] = Name,
        ["BucketCount"] = BucketCount,
        ["BucketTable"] = BucketTable,
    };

    /// <summary>Reads a row; a missing property reads as the default layout's.</summary>
    public static TransactionLayout FromEntity(TableEntity entity) =>
        new(entity.GetString("Layout") ?? "default", entity.GetInt32("BucketCount") ?? 0, entity.GetString("BucketTable") ?? string.Empty);
}
