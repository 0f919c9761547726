using System.CommandLine;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>preview &lt;tx&gt; [--max N]</c>: what replay would do now with the parked messages: per entry applied / rejected / in doubt /
/// would throw / not reached, where it would stop, and the resulting data. Nothing is written.
/// </summary>
internal static class PreviewCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var max = new Option<int>("--max") { Description = $"Most parked messages to run (1 to {ReplayPreview.MaxEntries:#,0})", DefaultValueFactory = _ => 1_000 };
        var lines = new Option<int>("--lines") { Description = "Most statement lines of the resulting data to print; 0 prints them all", DefaultValueFactory = _ => 20 };
        var command = new Command("preview",
            "Preview the replay: run the logic over the parked messages against the current data, in memory, and say what each would do. Writes nothing")
        {
            transaction,
            max,
            lines,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var most = parse.GetValue(max);
            try
            {
                ReplayPreview.Validate(most);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw CommandFailedException.Usage("--" + ErrorReport.FirstLine(ex.Message).Split(" (Parameter", 2)[0]);
            }

            return context.RunAsync(parse, async (client, _) =>
            {
                var tx = parse.GetRequiredValue(transaction);
                var preview = await OperatorAction.RunAsync("preview the replay of", tx, () => client.GetTransaction(tx).PreviewReplayAsync(most));
                Render(context.Console, preview, Math.Max(0, parse.GetValue(lines)));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Writes the preview: a heading, one row per entry, a tally with the stopping point, and the resulting data.</summary>
    public static void Render(IAnsiConsole console, ReplayPreview preview, int maxLines)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(preview);
        var tx = Formats.Text(preview.TransactionId);
        console.MarkupLine($"Replay preview of {tx} (mode {Formats.ModeMarkup(preview.Mode)}, {Formats.Count(preview.PendingCount)} parked, " +
            $"{Formats.Count(preview.Entries.Count)} previewed); nothing was written");
        if (preview.Entries.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("Pos").RightAligned())
                .AddColumn("Message")
                .AddColumn("Type")
                .AddColumn("Would be")
                .AddColumn("Reason");
            foreach (var entry in preview.Entries)
            {
                table.AddRow(Formats.Count(entry.Position), Formats.Text(entry.MessageId), Formats.Text(entry.Type), VerdictMarkup(entry.Verdict),
                    entry.Reason is null ? "" : Formats.Text(Formats.Truncate(entry.Reason, 100)));
            }

            console.Write(table);
        }

        console.MarkupLine($"applied {preview.Count(ReplayPreviewVerdict.Applied)}, rejected {preview.Count(ReplayPreviewVerdict.Rejected)}, " +
            $"in doubt {preview.Count(ReplayPreviewVerdict.InDoubt)}, would throw {preview.Count(ReplayPreviewVerdict.WouldThrow)}, " +
            $"not reached {preview.Count(ReplayPreviewVerdict.NotReached)}");
        if (preview.StopsAt is { } stop)
        {
            var stopping = preview.Entries[(int)stop];
            console.MarkupLine($"Replay would stop at position {Formats.Count(stop)} ({Formats.Text(stopping.MessageId)}: {stopping.Verdict}); " +
                "the messages behind it stay parked.");
        }

        if (preview.Mode == TransactionMode.Recovering)
        {
            console.MarkupLine("From the data as it is now: the recovery message that completes the recovery may change it first.");
        }
        else if (preview.Mode == TransactionMode.Faulted)
        {
            console.MarkupLine("The transaction is faulted: replay waits until its held message is retried or skipped (recoveryctl show).");
        }

        console.WriteLine();
        console.MarkupLine("[bold]Resulting data[/]");
        console.Write(ShowCommand.DataView(preview.ResultingData, null, maxLines));
        console.WriteLine();
    }

    private static string VerdictMarkup(ReplayPreviewVerdict verdict) => verdict switch
    {
        ReplayPreviewVerdict.Applied => "[green]applied[/]",
        ReplayPreviewVerdict.Rejected => "[yellow]rejected[/]",
        ReplayPreviewVerdict.InDoubt => "[red]in doubt[/]",
        ReplayPreviewVerdict.WouldThrow => "[red]would throw[/]",
        _ => "not reached",
    };
}
