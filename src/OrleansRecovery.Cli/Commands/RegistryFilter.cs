using System.CommandLine;
using OrleansRecovery.Cli.Errors;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// The <c>--recovering</c>, <c>--faulted</c>, <c>--stuck</c>, <c>--scope</c>, <c>--campaign</c> and <c>--limit</c> options of <c>list</c>
/// and <c>watch</c>, and the registry query they stand for. No flag lists everything the registry holds; several mode flags list the
/// union; <c>--scope</c> and <c>--campaign</c> narrow either way.
/// </summary>
internal sealed class RegistryFilter
{
    public Option<bool> Recovering { get; } = new("--recovering") { Description = "Transactions that are recovering" };

    public Option<bool> Faulted { get; } = new("--faulted") { Description = "Transactions held on a faulted (poison) message" };

    public Option<bool> Stuck { get; } = new("--stuck") { Description = "Recoveries that have not completed within StuckAfter" };

    public Option<string?> Scope { get; } = NameArguments.ScopeOption();

    public Option<string?> Campaign { get; } = NameArguments.CampaignOption();

    public Option<int> Limit { get; } = new("--limit")
    {
        Description = "Most entries to list (oldest first)",
        DefaultValueFactory = _ => 1_000,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Recovering);
        command.Add(Faulted);
        command.Add(Stuck);
        command.Add(Scope);
        command.Add(Campaign);
        command.Add(Limit);
    }

    /// <summary>A few words for headings: which transactions are listed (<c>recovering</c>, ...).</summary>
    public string Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Describe(parse.GetValue(Recovering), parse.GetValue(Faulted), parse.GetValue(Stuck));
    }

    /// <summary>Where they are listed from: <c>" in scope S"</c>, <c>" of campaign C"</c>, or empty.</summary>
    public string Where(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var what = "";
        if (parse.GetValue(Scope) is { } scope)
        {
            what += $" in scope {scope}";
        }

        if (parse.GetValue(Campaign) is { } campaign)
        {
            what += $" of campaign {campaign}";
        }

        return what;
    }

    /// <summary>A few words for headings: what is listed.</summary>
    public static string Describe(bool recovering, bool faulted, bool stuck)
    {
        List<string> parts = [];
        if (recovering)
        {
            parts.Add("recovering");
        }

        if (faulted)
        {
            parts.Add("faulted");
        }

        if (stuck)
        {
            parts.Add("stuck");
        }

        return parts.Count == 0 ? "recovering, faulted or stuck" : string.Join(" or ", parts);
    }

    /// <summary>Reads the registry as the options ask.</summary>
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(IClusterClient client, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var recovering = parse.GetValue(Recovering);
        var faulted = parse.GetValue(Faulted);
        var stuck = parse.GetValue(Stuck);
        var limit = parse.GetValue(Limit);
        if (limit < 1)
        {
            throw CommandFailedException.Usage($"--limit is {limit}; it must be at least 1.");
        }

        // One mode flag is asked of the registry; both are asked as "all" and filtered here. --stuck narrows either way.
        TransactionMode? mode = (recovering, faulted) switch
        {
            (true, false) => TransactionMode.Recovering,
            (false, true) => TransactionMode.Faulted,
            _ => null,
        };
        var entries = await ReadAsync(client, new RegistryQuery
        {
            Mode = mode,
            StuckOnly = stuck,
            Limit = limit,
            Scope = parse.GetValue(Scope),
            CampaignId = parse.GetValue(Campaign),
        });
        return recovering && faulted
            ? [.. entries.Where(e => e.Mode is TransactionMode.Recovering or TransactionMode.Faulted)]
            : entries;
    }

    /// <summary>Reads the registry; a cluster without one is a clear error rather than a stack trace.</summary>
    public static async Task<IReadOnlyList<RegistryEntry>> ReadAsync(IClusterClient client, RegistryQuery query)
    {
        try
        {
            return await client.ListTransactionsAsync(query);
        }
        catch (ArgumentException ex) when (ex.Message.Contains(nameof(IRecoveryRegistryGrain), StringComparison.Ordinal))
        {
            // GetGrain finds no implementation: the silos run an engine without the recovery registry.
            throw new CommandFailedException(
                $"the cluster has no recovery registry ({nameof(IRecoveryRegistryGrain)}): its silos run an OrleansRecovery version without one.", ex);
        }
    }
}
