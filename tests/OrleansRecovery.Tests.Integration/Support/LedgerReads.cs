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

    /// <summary>How long a test waits for a condition on a healthy cluster.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);
}
