using OrleansRecovery.Ledger;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>Reads a ledger transaction's data through the client SDK.</summary>
public static class LedgerReads
{
    public static async Task<LedgerData> DataAsync(this IClusterClient client, string transactionId) =>
        await client.GetDataAsync<LedgerData>(transactionId)
        ?? throw new InvalidOperationException($"Transaction '{transactionId}' has no data.");

    public static async Task<IReadOnlyList<string>> StatementIdsAsync(this IClusterClient client, string transactionId) =>
        [.. (await client.DataAsync(transactionId)).Statement.Select(e => e.MessageId)];

    public static IReadOnlyList<string> StatementIds(this LedgerData data) => [.. data.Statement.Select(e => e.MessageId)];

    /// <summary>What a bad-input test compares before and after: the status and the ledger data.</summary>
    public static async Task<(TransactionStatus Status, LedgerData Data)> SnapshotAsync(this IClusterClient client, string transactionId) =>
        (await client.GetStatusAsync(transactionId), await client.DataAsync(transactionId));

    /// <summary>Asserts that nothing but the rejected counter (by <paramref name="rejectedMore"/>) changed since <paramref name="before"/>.</summary>
    public static async Task AssertUnchangedAsync(this IClusterClient client, string transactionId,
        (TransactionStatus Status, LedgerData Data) before, long rejectedMore)
    {
        var status = await client.GetStatusAsync(transactionId);
        var data = await client.DataAsync(transactionId);
        Assert.Equal(before.Status.Mode, status.Mode);
        Assert.Equal(before.Status.Recovery, status.Recovery);
        Assert.Equal(before.Status.PendingCount, status.PendingCount);
        Assert.Equal(before.Status.Counters with { Rejected = before.Status.Counters.Rejected + rejectedMore }, status.Counters);
        Assert.Equal(before.Data.Balance, data.Balance);
        Assert.Equal(before.Data.StatementIds(), data.StatementIds());
    }

    /// <summary>How long a test waits for a condition on a healthy cluster (generous: CI machines are shared and busy).</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(90);
}
