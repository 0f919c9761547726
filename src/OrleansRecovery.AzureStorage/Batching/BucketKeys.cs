using System.Globalization;
using System.Text;

namespace OrleansRecovery.Batching;

/// <summary>
/// Where a transaction's records live in the batching layout: partition = escaped service id, <c>_</c>, bucket (a stable hash of
/// the transaction id modulo the bucket count), row key = escaped transaction id, <c>|</c>, record name. The service id is part of
/// the partition key, as it is of the default layout's, so services sharing a table never share a transaction's records. The hash is FNV-1a over the id's UTF-8 bytes: fixed by
/// its definition, so every silo and every release puts a transaction in the same bucket (string.GetHashCode is randomized per
/// process).
/// </summary>
internal static class BucketKeys
{
    /// <summary>Separates the escaped transaction id from the record name; escaped inside ids, so it ends the id unambiguously.</summary>
    public const char Separator = '|';

    /// <summary>The character after <see cref="Separator"/>: a transaction's rows are exactly those in [id|, id}).</summary>
    private const char AfterSeparator = '}';

    private const char Escape = '%';

    /// <summary>The bucket of <paramref name="transactionId"/> among <paramref name="bucketCount"/>.</summary>
    public static int Bucket(string transactionId, int bucketCount)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(transactionId))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)bucketCount);
    }

    /// <summary>The partition key of a bucket of a service; fixed width so a service's partitions sort in bucket order.</summary>
    public static string PartitionKey(string serviceId, int bucket) =>
        EscapeId(serviceId) + "_b" + bucket.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The row key of record <paramref name="recordName"/> of <paramref name="transactionId"/>.</summary>
    public static string RowKey(string transactionId, string recordName) => EscapeId(transactionId) + Separator + recordName;

    /// <summary>The row keys of every record of <paramref name="transactionId"/>: from (inclusive) and to (exclusive).</summary>
    public static (string From, string To) RowRange(string transactionId)
    {
        var id = EscapeId(transactionId);
        return (id + Separator, id + AfterSeparator);
    }

    /// <summary>
    /// The id with every character a table key refuses (<c>/ \ # ?</c>, control characters), the separator and the escape
    /// character itself written as <c>%XXXX</c> (UTF-16 code in hex): distinct ids stay distinct keys.
    /// </summary>
    public static string EscapeId(string transactionId)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        StringBuilder? escaped = null;
        for (var i = 0; i < transactionId.Length; i++)
        {
            var c = transactionId[i];
            var refused = c is '/' or '\\' or '#' or '?' or Separator or Escape || char.IsControl(c);
            if (refused)
            {
                escaped ??= new StringBuilder(transactionId, 0, i, transactionId.Length + 8);
                escaped.Append(Escape).Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped?.Append(c);
            }
        }

        return escaped?.ToString() ?? transactionId;
    }
}
