namespace OrleansRecovery.Batching;

/// <summary>
/// Calls a test makes around the batching layout's reads and writes, per record (state name) of a transaction (grain id), where
/// the default layout's tests wrap <c>IGrainStorage</c>: to count writes, hold them, or fail them before they are queued or after
/// their batch was stored (an answer lost). Registered as a keyed service under the storage name; none in production.
/// </summary>
internal sealed record BucketStoreHooks(
    Func<string, GrainId, CancellationToken, Task>? BeforeWrite = null,
    Func<string, GrainId, CancellationToken, Task>? AfterWrite = null,
    Func<string, GrainId, CancellationToken, Task>? BeforeRead = null);
