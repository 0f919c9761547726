using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary><c>begin-recovery &lt;tx&gt; --reason R</c>: puts a transaction into recovery (idempotent).</summary>
internal static class BeginRecoveryCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var reason = new Option<string>("--reason") { Description = "Why (kept with the recovery and shown in status)", Required = true };
        var command = new Command("begin-recovery",
            "Put a transaction into recovery: normal messages are parked until recovery messages complete it. Idempotent.")
        {
            transaction,
            reason,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var tx = parse.GetRequiredValue(transaction);
            var info = await OperatorAction.RunAsync("begin recovery of", tx, () => client.BeginRecoveryAsync(tx, parse.GetRequiredValue(reason)));
            context.Console.MarkupLine($"{Formats.Text(tx)}: recovering (recovery {Formats.Text(info.RecoveryId)}, since {Formats.Time(info.Since)})");
            context.Console.MarkupLine($"  reason: {Formats.Text(info.Reason)}");
            if (info.Subject is { } subject)
            {
                context.Console.MarkupLine($"  subject: {Formats.Text(subject.MessageId)} ({Formats.Text(subject.Type)})");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
