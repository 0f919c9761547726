namespace OrleansRecovery;

/// <summary>
/// A position in the registry's listing order (oldest <see cref="RegistryEntry.Since"/> first, then transaction id, ordinal):
/// pass the cursor of a page's last entry as <see cref="RegistryQuery.After"/> to get the next page. Entries that do not change
/// meanwhile are listed exactly once over the pages; an entry whose <c>Since</c> changes between pages (a new recovery) may be
/// seen twice or not at all, as in any keyset paging.
/// </summary>
/// <param name="Since">The <see cref="RegistryEntry.Since"/> of the last entry seen.</param>
/// <param name="TransactionId">The transaction id of the last entry seen.</param>
[GenerateSerializer]
[Alias("OrleansRecovery.RegistryCursor")]
public sealed record RegistryCursor(
    [property: Id(0)] DateTimeOffset Since,
    [property: Id(1)] string TransactionId)
{
    /// <summary>The cursor just after <paramref name="entry"/>.</summary>
    public static RegistryCursor After(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new RegistryCursor(entry.Since, entry.TransactionId);
    }

    /// <summary>True when <paramref name="entry"/> comes after this cursor in the listing order.</summary>
    public bool Precedes(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var bySince = entry.Since.CompareTo(Since);
        return bySince > 0 || (bySince == 0 && string.CompareOrdinal(entry.TransactionId, TransactionId) > 0);
    }
}
