using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary><c>skip &lt;tx&gt; --reason R</c>: gives up on a faulted transaction's held message.</summary>
internal static class SkipCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var reason = new Option<string>("--reason") { Description = "Why (kept in the transaction's rejection history)", Required = true };
        var command = new Command("skip",
            "Give up on a faulted transaction's held message (kept in its rejection history); it returns to Normal and replays what was parked")
        {
            transaction,
            reason,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var tx = parse.GetRequiredValue(transaction);
            var status = await OperatorAction.RunAsync("skip", tx, () => client.GetTransaction(tx).SkipFaultedAsync(parse.GetRequiredValue(reason)));
            context.Console.MarkupLine($"{Formats.Text(tx)}: the held message was skipped; mode {Formats.ModeMarkup(status.Mode)}, " +
                $"{Formats.Count(status.PendingCount)} pending");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
