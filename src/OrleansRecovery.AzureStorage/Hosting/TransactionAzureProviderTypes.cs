namespace OrleansRecovery.Hosting;

/// <summary>
/// The <c>ProviderType</c> values that configure OrleansRecovery's Azure providers through Orleans' own configuration keys, where
/// Orleans' stock providers lack what the engine needs (the binary record serializer and deleting cleared records; implicit-only
/// queue streams on the queues producers share, with undeliverable messages set aside):
/// <code>
/// "Orleans": {
///   "GrainStorage": { "transactions":      { "ProviderType": "OrleansRecoveryAzureTableStorage", "ConnectionName": "storage" } },
///   "Streaming":    { "TransactionStreams": { "ProviderType": "OrleansRecoveryAzureQueueStorage", "ConnectionName": "storage" } }
/// }
/// </code>
/// Each section takes <c>ServiceKey</c> (a keyed Azure client), <c>ConnectionName</c> (an entry of <c>ConnectionStrings</c>) or
/// <c>ConnectionString</c>, as Orleans' own Azure providers do; the table section takes <c>TableName</c>, the stream section the
/// queue settings of <see cref="TransactionAzureStorageOptions"/> (<c>QueuePrefix</c>, <c>QueueCount</c>, <c>QueueCacheSize</c>…).
/// </summary>
public static class TransactionAzureProviderTypes
{
    /// <summary>The grain storage for transaction records (<c>Orleans:GrainStorage:{name}:ProviderType</c>).</summary>
    public const string TableStorage = "OrleansRecoveryAzureTableStorage";

    /// <summary>The transaction streams (<c>Orleans:Streaming:{name}:ProviderType</c>).</summary>
    public const string QueueStorage = "OrleansRecoveryAzureQueueStorage";
}
