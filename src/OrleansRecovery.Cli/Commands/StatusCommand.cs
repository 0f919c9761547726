using System.CommandLine;
using Orleans.Runtime;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>status</c>: the cluster's silos (membership, liveness, activations) from Orleans' management grain, and how many transactions
/// are recovering, faulted or stuck from the recovery registry.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("status", "Show the cluster's silos and how many transactions are recovering, faulted or stuck");
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, token) =>
        {
            var management = client.GetGrain<IManagementGrain>(0);
            var hosts = await management.GetDetailedHosts(onlyActive: false, token);
            var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
            var statistics = active.Length == 0 ? [] : await management.GetSimpleGrainStatistics(active, token);
            var now = DateTime.UtcNow;

            var silos = new Table().Border(TableBorder.Rounded)
                .AddColumn("Silo").AddColumn("Address").AddColumn("Host").AddColumn("Status")
                .AddColumn(new TableColumn("Up").RightAligned())
                .AddColumn(new TableColumn("Last alive").RightAligned())
                .AddColumn(new TableColumn("Activations").RightAligned())
                .AddColumn(new TableColumn("Transactions").RightAligned());
            foreach (var host in hosts.OrderBy(h => h.Status == SiloStatus.Active ? 0 : 1).ThenBy(h => h.SiloName, StringComparer.Ordinal))
            {
                var onSilo = statistics.Where(s => s.SiloAddress.Equals(host.SiloAddress)).ToList();
                var isActive = host.Status == SiloStatus.Active;
                silos.AddRow(
                    Formats.Text(host.SiloName),
                    Formats.Text(host.SiloAddress.ToString()),
                    Formats.Text(host.HostName),
                    isActive ? "[green]Active[/]" : Markup.Escape(host.Status.ToString()),
                    isActive ? Formats.Age(now - host.StartTime) : "-",
                    host.IAmAliveTime == default ? "-" : Formats.Age(now - host.IAmAliveTime) + " ago",
                    isActive ? Formats.Count(onSilo.Sum(s => s.ActivationCount)) : "-",
                    isActive ? Formats.Count(onSilo.Where(s => IsTransactionGrain(s.GrainType)).Sum(s => s.ActivationCount)) : "-");
            }

            context.Console.MarkupLine($"[bold]Cluster[/]  {active.Length} active silo(s) of {hosts.Length} in the membership table");
            context.Console.Write(silos);

            try
            {
                var entries = await RegistryFilter.ReadAsync(client, RegistryQuery.All);
                context.Console.MarkupLine($"[bold]Transactions[/]  {Markup.Escape(RegistryTable.Summary(entries))}" +
                    (entries.Count > 0 ? $"; longest for {Formats.AgeSince(entries.Min(e => e.Since))}" : ""));
                if (entries.Count > 0)
                {
                    context.Console.MarkupLine("  recoveryctl list  shows them; recoveryctl show <tx>  shows one.");
                }
            }
            catch (CommandFailedException ex)
            {
                context.Console.MarkupLine($"[bold]Transactions[/]  [yellow]unknown[/]: {Formats.Text(ex.Message)}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>Orleans names grain types by class; the engine's is <c>TransactionGrain</c> (generic over nothing the CLI needs).</summary>
    private static bool IsTransactionGrain(string grainType) =>
        grainType.Contains("TransactionGrain", StringComparison.Ordinal) && !grainType.Contains("Registry", StringComparison.Ordinal);
}
