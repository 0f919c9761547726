using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary><c>list [--recovering] [--faulted] [--stuck] [--limit N]</c>: the registry's transactions, oldest first.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filter = new RegistryFilter();
        var command = new Command("list", "List transactions that are recovering, faulted or stuck (from the recovery registry)");
        filter.AddTo(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var entries = await filter.ListAsync(client, parse);
            var what = filter.Describe(parse);
            if (entries.Count == 0)
            {
                context.Console.MarkupLine($"No {Markup.Escape(what)} transactions{Markup.Escape(filter.Where(parse))}.");
                return ExitCodes.Ok;
            }

            context.Console.Write(RegistryTable.Create(entries));
            context.Console.WriteLine(RegistryTable.Summary(entries));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
