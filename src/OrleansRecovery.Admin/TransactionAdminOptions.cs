namespace OrleansRecovery.Admin;

/// <summary>How the admin page behaves; set through <see cref="TransactionAdminEndpoints.MapTransactionRecoveryAdmin"/>.</summary>
public sealed class TransactionAdminOptions
{
    /// <summary>
    /// Where the page links to the Orleans Dashboard (e.g. <c>/dashboard/</c>), or null for no link. The page only links to it;
    /// the host maps the dashboard itself.
    /// </summary>
    public string? DashboardUrl { get; set; }

    /// <summary>How often the open page asks again (default 2 s; between 250 ms and 1 minute).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most registry entries one page shows (default 500; between 1 and 10,000).</summary>
    public int MaxEntries { get; set; } = 500;

    internal void Validate()
    {
        if (RefreshInterval < TimeSpan.FromMilliseconds(250) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval,
                $"{nameof(TransactionAdminOptions)}.{nameof(RefreshInterval)} must be between 00:00:00.250 and 00:01:00.");
        }

        if (MaxEntries is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries,
                $"{nameof(TransactionAdminOptions)}.{nameof(MaxEntries)} must be between 1 and 10000.");
        }

        if (DashboardUrl is { } url && !Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out _))
        {
            throw new ArgumentException($"{nameof(TransactionAdminOptions)}.{nameof(DashboardUrl)} '{url}' is not a URL.", nameof(DashboardUrl));
        }
    }
}
