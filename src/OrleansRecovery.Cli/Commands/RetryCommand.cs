using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary><c>retry &lt;tx&gt;</c>: applies a faulted transaction's held message again.</summary>
internal static class RetryCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var reason = OperatorAction.OptionalReason("the transaction's timeline");
        var command = new Command("retry",
            "Apply a faulted transaction's held message again; on success it returns to Normal and replays what was parked")
        {
            transaction,
            reason,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var tx = parse.GetRequiredValue(transaction);
            var grain = client.GetTransaction(tx);
            var recorded = OperatorAction.Recorded(parse.GetValue(reason));
            var status = await OperatorAction.RunAsync("retry", tx, () => recorded is null ? grain.RetryFaultedAsync() : grain.RetryFaultedAsync(recorded));
            if (status.Fault is { } fault)
            {
                context.Console.MarkupLine($"{Formats.Text(tx)}: still faulted after attempt {fault.Attempts}: {Formats.Text(fault.Error)}");
                return ExitCodes.Failed;
            }

            context.Console.MarkupLine($"{Formats.Text(tx)}: the held message was applied; mode {Formats.ModeMarkup(status.Mode)}, " +
                $"{Formats.Count(status.PendingCount)} pending");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
