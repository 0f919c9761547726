using Azure;
using Azure.Data.Tables;

namespace OrleansRecovery.Batching;

/// <summary>
/// One transaction's writes of one moment (a header and segments, or segments to delete): they go to storage together, in one
/// batch, so they are stored all or none; the caller is answered with each record's new ETag once that batch succeeded.
/// </summary>
internal sealed class RecordWrite
{
    private readonly TaskCompletionSource<IReadOnlyList<ETag?>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RecordWrite(string owner, IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        Owner = owner;
        Actions = actions;
        EstimatedBytes = actions.Sum(a => RecordEntity.EstimatedRequestBytes(a.Entity as TableEntity, a.Entity.RowKey));
    }

    /// <summary>The transaction writing; two writes of one owner never share a batch, so their order is kept.</summary>
    public string Owner { get; }

    /// <summary>The operations, in the order they are sent.</summary>
    public IReadOnlyList<TableTransactionAction> Actions { get; }

    /// <summary>The request bytes the operations add to a batch, estimated.</summary>
    public int EstimatedBytes { get; }

    /// <summary>Completes with each operation's new ETag (none for a delete) once stored, or fails.</summary>
    public Task<IReadOnlyList<ETag?>> Completion => _done.Task;

    public void Succeed(IReadOnlyList<ETag?> eTags) => _done.TrySetResult(eTags);

    public void Fail(Exception error) => _done.TrySetException(error);
}
