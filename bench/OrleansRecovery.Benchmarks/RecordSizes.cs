using System.Text;
using Azure.Data.Tables;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// The size of the records a scenario left in a table, read back after its timed part: how many bytes each write carried to
/// Azurite. The many scenario uses it to show what its arms write per message (the engine's header carries the dedup window
/// and counters that the naive grain does not keep), since Azurite's CPU per request, not the engine's, bounds that scenario.
/// </summary>
internal static class RecordSizes
{
    /// <summary>
    /// Scans <paramref name="tableName"/> for the entities whose partition or row key contains <paramref name="keyFragment"/>.
    /// </summary>
    /// <returns>The number of those entities, their mean stored payload (binary properties) and their mean size as sent in JSON
    /// (binary as base64, strings as UTF-8, property names and keys included; an estimate of the body, not of HTTP headers).</returns>
    public static async Task<(int Records, double PayloadBytes, double JsonBytes)> MeasureAsync(
        string connectionString, string tableName, string keyFragment)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(tableName);
        var (records, payload, json) = (0, 0L, 0L);
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            if (!entity.PartitionKey.Contains(keyFragment, StringComparison.Ordinal) && !entity.RowKey.Contains(keyFragment, StringComparison.Ordinal))
            {
                continue;
            }

            records++;
            foreach (var (name, value) in entity)
            {
                if (name.StartsWith("odata.", StringComparison.Ordinal) || name == "Timestamp")
                {
                    continue;
                }

                var binary = value switch
                {
                    byte[] bytes => bytes.Length,
                    BinaryData data => data.ToMemory().Length,
                    _ => -1,
                };
                payload += Math.Max(binary, 0);
                json += name.Length + 6 + (binary >= 0
                    ? ((binary + 2) / 3 * 4) + 40 // base64 and its "@odata.type":"Edm.Binary" annotation
                    : Encoding.UTF8.GetByteCount(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }

        return records == 0 ? (0, 0, 0) : (records, (double)payload / records, (double)json / records);
    }
}
