namespace OrleansRecovery.Storage;

/// <summary>
/// Creates the record store of one transaction. A storage package registers one as a keyed service under the storage provider
/// name (<see cref="Hosting.TransactionRecoveryOptions.StorageProviderName"/>) to lay transaction records out its own way;
/// without one, records go through that name's <c>IGrainStorage</c> (<see cref="TransactionStore"/>).
/// </summary>
internal interface ITransactionRecordStoreFactory
{
    /// <summary>The store of transaction <paramref name="transactionId"/>, whose grain is <paramref name="grainId"/>.</summary>
    ITransactionRecordStore Create(GrainId grainId, string transactionId);
}
