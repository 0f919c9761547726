using System.IO.Hashing;
using System.Text;

namespace OrleansRecovery.Registry;

/// <summary>Which registry shard a transaction reports to: a stable hash of its id, so no single grain is hot.</summary>
internal static class RegistryShards
{
    /// <summary>The shard of <paramref name="transactionId"/> among <paramref name="shardCount"/>.</summary>
    public static int Of(string transactionId, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return (int)(XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(transactionId)) % (ulong)shardCount);
    }
}
