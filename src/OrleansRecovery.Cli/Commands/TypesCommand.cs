using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>types</c>: the message types the cluster's logic declares (normal and recovery, with the payload each expects), for whoever
/// writes a message file for <c>send</c> or completes a recovery by hand.
/// </summary>
internal static class TypesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("types", "List the message types the cluster's logic accepts (normal and recovery) and their payloads");
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var logic = client.GetGrain<ITransactionLogicGrain>(0);
            var name = await logic.GetLogicNameAsync();
            var types = await logic.GetMessageTypesAsync();
            if (types.Count == 0)
            {
                context.Console.MarkupLine($"{Formats.Text(name)} does not declare its message types; its own documentation lists them.");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("Kind").AddColumn("Type").AddColumn("What it does and its payload");
            foreach (var type in types.OrderBy(t => t.Kind).ThenBy(t => t.Type, StringComparer.Ordinal))
            {
                table.AddRow(type.Kind == MessageKind.Recovery ? "recovery" : "normal", Formats.Text(type.Type), Formats.Text(type.Description));
            }

            context.Console.MarkupLine($"[bold]{Formats.Text(name)}[/] accepts:");
            context.Console.Write(table);
            context.Console.MarkupLine("A recovery message completes a recovery only while the transaction recovers; send one with " +
                "[bold]recoveryctl send <tx> --recovery --type <type> --payload <json>[/].");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
