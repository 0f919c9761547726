using System.Globalization;

namespace OrleansRecovery.Registry;

/// <summary>
/// The state names of a registry shard's records in the transaction storage provider (one Azure Table row each in the shard's
/// partition). Like the transaction's names they avoid the characters the Table provider rewrites.
/// </summary>
internal static class RegistryStateNames
{
    /// <summary>The shard's fixed-size record: page high-water mark and layout version.</summary>
    public const string Meta = "registry-meta";

    /// <summary>The single record of the first layout (<see cref="RegistryShardRecord"/>), migrated into pages on activation.</summary>
    public const string Legacy = "registry";

    /// <summary>The prefix of every page's state name.</summary>
    public const string PagePrefix = "registry-page-";

    /// <summary>The record of page <paramref name="page"/>.</summary>
    public static string Page(long page) => PagePrefix + page.ToString("D12", CultureInfo.InvariantCulture);
}
