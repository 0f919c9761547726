using System.Globalization;

namespace OrleansRecovery.Storage;

/// <summary>
/// The state names under which a transaction's records are stored through <c>IGrainStorage</c>. On Azure Table storage each
/// becomes its own row in the grain's partition. The names avoid the characters the Table provider rewrites (<c>/ \ # ?</c>).
/// </summary>
internal static class StateNames
{
    /// <summary>The header record.</summary>
    public const string Header = "txn";

    /// <summary>The record of pending-log segment <paramref name="index"/>.</summary>
    public static string Segment(long index) => "txn-pending-" + index.ToString("D12", CultureInfo.InvariantCulture);
}
