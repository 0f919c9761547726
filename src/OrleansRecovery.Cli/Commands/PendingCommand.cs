using System.CommandLine;
using System.Globalization;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>pending &lt;tx&gt; [--from N] [--take M]</c>: one page of a transaction's parked messages (position, sequence, message id,
/// type, size, when parked, payload excerpt), read by the grain straight from its segments; the last line says how to get the next.
/// </summary>
internal static class PendingCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var from = new Option<long>("--from") { Description = "First position to print (0 is the next message replay applies)", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = $"Most entries to print (1 to {PendingPage.MaxTake:#,0})", DefaultValueFactory = _ => 50 };
        var command = new Command("pending", "Page through a transaction's parked messages: position, message id, type, size, when parked, payload excerpt")
        {
            transaction,
            from,
            take,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var first = parse.GetValue(from);
            var most = parse.GetValue(take);
            try
            {
                PendingPage.Validate(first, most);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw CommandFailedException.Usage("--" + ErrorReport.FirstLine(ex.Message).Split(" (Parameter", 2)[0]);
            }

            return context.RunAsync(parse, async (client, _) =>
            {
                var tx = parse.GetRequiredValue(transaction);
                var page = await OperatorAction.RunAsync("read the pending log of", tx, () => client.GetTransaction(tx).GetPendingAsync(first, most));
                Render(context.Console, page, most);
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Writes one page: a heading with the depth, the entries, and the command for the next page.</summary>
    public static void Render(IAnsiConsole console, PendingPage page, int take)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(page);
        var tx = Formats.Text(page.TransactionId);
        if (page.Entries.Count == 0)
        {
            console.MarkupLine(page.PendingCount == 0
                ? $"{tx}: nothing parked (mode {Formats.ModeMarkup(page.Mode)})"
                : $"{tx}: {Formats.Count(page.PendingCount)} parked (mode {Formats.ModeMarkup(page.Mode)}); nothing from position {Formats.Count(page.From)} on");
            return;
        }

        var last = page.From + page.Entries.Count - 1;
        console.MarkupLine($"{tx}: {Formats.Count(page.PendingCount)} parked (mode {Formats.ModeMarkup(page.Mode)}); " +
            $"positions {Formats.Count(page.From)}–{Formats.Count(last)}, in replay order");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Pos").RightAligned())
            .AddColumn(new TableColumn("Seq").RightAligned())
            .AddColumn("Message")
            .AddColumn("Type")
            .AddColumn(new TableColumn("Bytes").RightAligned())
            .AddColumn("Parked at")
            .AddColumn("Payload");
        foreach (var entry in page.Entries)
        {
            table.AddRow(Formats.Count(entry.Position), Formats.Count(entry.Sequence), Formats.Text(entry.MessageId), Formats.Text(entry.Type),
                Formats.Count(entry.SizeBytes), Formats.Time(entry.ParkedAt),
                Formats.Text(Formats.Truncate(entry.PayloadTruncated ? entry.PayloadExcerpt + "…" : entry.PayloadExcerpt, 60)));
        }

        console.Write(table);
        if (page.NextFrom is { } next)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Next page: recoveryctl pending {tx} --from {next} --take {take}"));
        }
    }
}
