using System.Globalization;
using Spectre.Console;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>How recoveryctl prints a campaign's (or a scope's) progress: counts, rate, oldest, the stuck list and an estimate.</summary>
internal static class ProgressView
{
    /// <summary>The progress block under <c>campaign show</c> and <c>scope show</c>.</summary>
    public static Grid Create(CampaignProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string markup) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Markup(markup));

        Row("Campaign", Formats.Text(p.CampaignId));
        if (p.Scope is { } scope)
        {
            Row("Scope", $"{Formats.Text(scope)} (its opening started this campaign)");
        }

        Row("State", StateMarkup(p.State) + (p.Scope is null ? "" : ScopeStateNote(p.State)));
        Row("Reason", Formats.Text(p.Reason));
        Row("Created", $"{Formats.Time(p.CreatedAt)} ({Formats.AgeSince(p.CreatedAt)} ago)");
        if (p.Scope is null)
        {
            Row("Members", $"{Formats.Count(p.Members)}; entered {Formats.Count(p.Entered)}" +
                (p.Completed > 0 ? $"; completion sent to {Formats.Count(p.Completed)}" : ""));
        }

        Row("Now", Counts(p));
        Row("Oldest", p.OldestSince is { } oldest ? $"since {Formats.Time(oldest)} ({Formats.AgeSince(oldest)})" : "-");
        Row("Rate", Rate(p));
        Row("ETA", Eta(p));
        Row("Stuck", p.Stuck == 0
            ? "none"
            : $"[red]{Formats.Count(p.Stuck)}[/]: {Formats.Text(string.Join(", ", p.StuckTransactions))}" +
              (p.Stuck > p.StuckTransactions.Count ? $" (first {p.StuckTransactions.Count})" : ""));
        return grid;
    }

    /// <summary>One line of counts: recovering (stuck), faulted, replaying, back to normal.</summary>
    public static string Counts(CampaignProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        // A scope's members are not enumerated, so it cannot say how many are back to normal; a campaign can.
        return $"{Formats.Count(p.Recovering)} recovering ({Formats.Count(p.Stuck)} stuck), {Formats.Count(p.Faulted)} faulted, " +
            $"{Formats.Count(p.Replaying)} replaying" + (p.Scope is null ? $"; {Formats.Count(p.BackToNormal)} back to normal" : "");
    }

    /// <summary>One progress line for <c>--wait</c>.</summary>
    public static string Line(CampaignProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return $"{Formats.Text(p.CampaignId)}: {p.State}, {Formats.Count(p.Entered)}/{Formats.Count(p.Members)} entered" +
            (p.Completed > 0 ? $", completion sent to {Formats.Count(p.Completed)}" : "") + $"; {Counts(p)}";
    }

    private static string Rate(CampaignProgress p) => p.RatePerSecond is { } rate
        ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.##} back to normal per second (last minute)")
        : "not measured yet (sampled each time progress is read; two reads a second apart)";

    private static string Eta(CampaignProgress p) => p switch
    {
        { State: CampaignState.Done } => "done",
        { EstimatedRemaining: { } left } when left == TimeSpan.Zero => "none left",
        { EstimatedRemaining: { } left } => $"{Formats.Age(left)} at this rate",
        { RatePerSecond: 0 } => "unknown (none back to normal in the last minute)",
        _ => "unknown (no rate yet)",
    };

    private static string StateMarkup(CampaignState state) => state switch
    {
        CampaignState.Done => "[green]Done[/]",
        CampaignState.Draft => "Draft",
        _ => $"[yellow]{state}[/]",
    };

    private static string ScopeStateNote(CampaignState state) => state switch
    {
        CampaignState.Entering => " (scope open: its transactions enter recovery on their next message)",
        CampaignState.Entered => " (scope closed: the transactions still listed complete one by one)",
        CampaignState.Done => " (scope closed: none of its transactions is listed any more)",
        _ => "",
    };
}
