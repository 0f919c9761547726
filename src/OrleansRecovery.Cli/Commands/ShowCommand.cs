using System.CommandLine;
using System.Text.Json;
using Orleans.Runtime;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;
using OrleansRecovery.Ledger;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>show &lt;tx&gt; [--lines N]</c>: one transaction's mode, recovery, held message, pending log, counters, recent rejections,
/// timeline and data (a ledger statement for the reference logic).
/// </summary>
internal static class ShowCommand
{
    private static readonly JsonSerializerOptions DataJson = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var lines = new Option<int>("--lines")
        {
            Description = "Most recent statement lines to print; 0 prints them all",
            DefaultValueFactory = _ => 50,
        };
        var command = new Command("show", "Show one transaction: mode, recovery, fault, pending log, counters, rejections and its statement")
        {
            transaction,
            lines,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var tx = parse.GetRequiredValue(transaction);
            var grain = client.GetTransaction(tx);
            var status = await grain.GetStatusAsync();
            var (data, dataError) = await ReadDataAsync(grain);
            Render(context.Console, status, data, dataError, Math.Max(0, parse.GetValue(lines)));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>Writes the whole picture of one transaction.</summary>
    public static void Render(IAnsiConsole console, TransactionStatus status, object? data, string? dataError, int maxLines)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(status);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string markup) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Markup(markup));

        Row("Transaction", Formats.Text(status.TransactionId));
        Row("Mode", Formats.ModeMarkup(status.Mode, status.Stuck) + (status.Replaying ? " (replaying parked messages)" : ""));
        if (status.Recovery is { } recovery)
        {
            Row("Recovery", $"{Formats.Text(recovery.RecoveryId)} since {Formats.Time(recovery.Since)} ({Formats.AgeSince(recovery.Since)})" +
                (status.Stuck ? " [red]stuck[/]" : ""));
            Row("  reason", Formats.Text(recovery.Reason));
            if (recovery.Subject is { } subject)
            {
                Row("  subject", $"{Formats.Text(subject.MessageId)} {Formats.Text(subject.Type)} {Formats.Text(subject.Payload)} " +
                    "(left the transaction in doubt; recovery decides its outcome)");
            }
        }

        if (status.Fault is { } fault)
        {
            Row("Held message", $"{Formats.Text(fault.Message.MessageId)} {Formats.Text(fault.Message.Type)} {Formats.Text(fault.Message.Payload)}");
            Row("  error", Formats.Text(fault.Error));
            Row("  attempts", $"{fault.Attempts}, faulted since {Formats.Time(fault.Since)} ({Formats.AgeSince(fault.Since)})");
            Row("  next", "recoveryctl retry " + Formats.Text(status.TransactionId) + "  |  recoveryctl skip " +
                Formats.Text(status.TransactionId) + " --reason \"...\"");
        }

        Row("Pending", status.PendingCount == 0
            ? "0"
            : $"{Formats.Count(status.PendingCount)}, oldest admitted {Formats.Time(status.OldestPendingSince)} ({Formats.Age(status.OldestPendingAge)} ago)");
        if (status.ReplayFailures > 0)
        {
            Row("Replay", $"[red]{status.ReplayFailures} failed step(s)[/]: {Formats.Text(status.LastReplayError)}");
        }

        var c = status.Counters;
        Row("Counters", $"processed {Formats.Count(c.Processed)}, queued {Formats.Count(c.Queued)}, replayed {Formats.Count(c.Replayed)}, " +
            $"duplicate {Formats.Count(c.Duplicate)}, rejected {Formats.Count(c.Rejected)}");
        console.Write(grid);

        if (status.RecentRejections.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]Recent rejections[/] ({status.RecentRejections.Count}, oldest first)");
            var rejections = new Table().Border(TableBorder.Rounded)
                .AddColumn("At").AddColumn("Message").AddColumn("Type").AddColumn("Code").AddColumn("Reason");
            foreach (var r in status.RecentRejections)
            {
                rejections.AddRow(Formats.Time(r.At), Formats.Text(r.MessageId), Formats.Text(r.Type), r.Code.ToString(), Formats.Text(r.Reason));
            }

            console.Write(rejections);
        }

        if (status.Timeline.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]Timeline[/] ({status.Timeline.Count}, oldest first)");
            var timeline = new Table().Border(TableBorder.Rounded)
                .AddColumn("At").AddColumn("Event").AddColumn(new TableColumn("Count").RightAligned()).AddColumn("Detail");
            foreach (var e in status.Timeline)
            {
                timeline.AddRow(Formats.Time(e.At), TimelineText(e.Kind), e.Count == 0 ? "" : Formats.Count(e.Count), Formats.Text(e.Text));
            }

            console.Write(timeline);
        }

        console.WriteLine();
        console.Write(DataView(data, dataError, maxLines));
    }

    private static string TimelineText(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.RecoveryBegun => "recovery begun",
        TimelineEventKind.Parked => "parked",
        TimelineEventKind.RecoveryMessages => "recovery messages",
        TimelineEventKind.RecoveryCompleted => "recovery completed",
        TimelineEventKind.Replayed => "replayed",
        TimelineEventKind.Faulted => "faulted",
        TimelineEventKind.Retried => "retried",
        TimelineEventKind.Skipped => "skipped",
        _ => kind.ToString(),
    };

    private static async Task<(object? Data, string? Error)> ReadDataAsync(ITransactionGrain grain)
    {
        try
        {
            return (await grain.GetDataAsync(), null);
        }
        catch (Exception ex) when (ex is not (SiloUnavailableException or OrleansMessageRejectionException or TimeoutException))
        {
            // The data's type is the application's; recoveryctl knows the reference ledger's, and says so for any other.
            return (null, $"{ex.GetType().Name}: {ErrorReport.FirstLine(ex.Message)}");
        }
    }

    /// <summary>The application's data: a ledger statement for the reference logic, JSON for any other type.</summary>
    public static IRenderable DataView(object? data, string? dataError, int maxLines)
    {
        switch (data)
        {
            case null when dataError is not null:
                return new Markup($"[bold]Data[/]  cannot be read by recoveryctl ({Formats.Text(dataError)})");
            case null:
                return new Markup("[bold]Data[/]  none yet");
            case LedgerData ledger:
                return Statement(ledger, maxLines);
            default:
                string json;
                try
                {
                    json = JsonSerializer.Serialize(data, data.GetType(), DataJson);
                }
                catch (NotSupportedException ex)
                {
                    json = $"({ex.Message})";
                }

                return new Rows(new Markup($"[bold]Data[/]  {Formats.Text(data.GetType().FullName)}"), new Text(json));
        }
    }

    private static Rows Statement(LedgerData ledger, int maxLines)
    {
        var shown = maxLines == 0 || ledger.Statement.Count <= maxLines ? ledger.Statement : ledger.Statement.GetRange(ledger.Statement.Count - maxLines, maxLines);
        var first = ledger.Statement.Count - shown.Count;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn("Message")
            .AddColumn("Kind")
            .AddColumn(new TableColumn("Amount").RightAligned())
            .AddColumn(new TableColumn("Balance").RightAligned());
        for (var i = 0; i < shown.Count; i++)
        {
            var line = shown[i];
            table.AddRow((first + i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.Text(line.MessageId),
                Formats.Text(line.Kind), Formats.Money(line.Amount), Formats.Money(line.BalanceAfter));
        }

        List<IRenderable> parts =
        [
            new Markup($"[bold]Statement[/] of {Formats.Text(ledger.AccountId)}: {Formats.Count(ledger.Statement.Count)} lines, " +
                $"balance {Formats.Money(ledger.Balance)}" + (first > 0 ? $" (last {shown.Count} shown; --lines 0 for all)" : "")),
        ];
        if (ledger.Statement.Count > 0)
        {
            parts.Add(table);
        }

        return new Rows(parts);
    }
}
