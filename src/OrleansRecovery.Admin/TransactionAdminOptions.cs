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

    /// <summary>
    /// The ASP.NET Core authorization policy an operator must satisfy to act from the page (begin recovery, retry or skip a held
    /// message, open or close a scope, start or complete a campaign), or null (the default): then the page is read-only, its
    /// action endpoints refuse every request (403) and it shows no action. The host defines the policy
    /// (<c>AddAuthorization(o =&gt; o.AddPolicy(name, …))</c>) and its authentication; the acting identity is the user's name.
    /// </summary>
    public string? OperatorPolicy { get; set; }

    /// <summary>
    /// Most samples of the cluster chart (recovering, stuck, faulted, replaying and parked over time) the host keeps in memory,
    /// one per <see cref="RefreshInterval"/> (default 300: ten minutes at 2 s; between 10 and 100,000). The chart starts empty
    /// when the host starts.
    /// </summary>
    public int HistoryCapacity { get; set; } = 300;

    /// <summary>
    /// Most campaigns and scopes the operations panel shows with their progress bars (default 20; between 1 and 200): those the
    /// registry lists members of first, then those this host saw or acted on recently. Each is read from its grain on every refresh.
    /// </summary>
    public int OperationsShown { get; set; } = 20;

    internal void Validate()
    {
        if (OperatorPolicy is not null && string.IsNullOrWhiteSpace(OperatorPolicy))
        {
            throw new ArgumentException(
                $"{nameof(TransactionAdminOptions)}.{nameof(OperatorPolicy)} is blank; name a policy, or leave it null for a read-only page.",
                nameof(OperatorPolicy));
        }

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

        if (HistoryCapacity is < 10 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryCapacity), HistoryCapacity,
                $"{nameof(TransactionAdminOptions)}.{nameof(HistoryCapacity)} must be between 10 and 100000.");
        }

        if (OperationsShown is < 1 or > 200)
        {
            throw new ArgumentOutOfRangeException(nameof(OperationsShown), OperationsShown,
                $"{nameof(TransactionAdminOptions)}.{nameof(OperationsShown)} must be between 1 and 200.");
        }

        if (DashboardUrl is { } url && !Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out _))
        {
            throw new ArgumentException($"{nameof(TransactionAdminOptions)}.{nameof(DashboardUrl)} '{url}' is not a URL.", nameof(DashboardUrl));
        }
    }
}
