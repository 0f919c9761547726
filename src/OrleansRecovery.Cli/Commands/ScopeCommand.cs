using System.CommandLine;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>scope open &lt;scope&gt; --reason R</c>, <c>scope close &lt;scope&gt;</c> and <c>scope show &lt;scope&gt;</c>: put every transaction
/// of a recovery scope into recovery (on its next message), stop doing so, and see how far the scope's recovery has come.
/// </summary>
internal static class ScopeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("scope",
            "Recovery scopes: open one to put every transaction of the scope into recovery on its next message; show its progress; close it");
        command.Add(Open(context));
        command.Add(Close(context));
        command.Add(Show(context));
        return command;
    }

    private static Command Open(CliContext context)
    {
        var scope = NameArguments.Scope();
        var reason = new Option<string>("--reason") { Description = "Why (kept with the opening and with each transaction's recovery)", Required = true };
        var command = new Command("open",
            "Open a scope's recovery: every transaction of the scope parks its normal messages and enters recovery on its next message. " +
            "Waits the scope lease (about 2 s) so that every silo acts on it. Idempotent.")
        {
            scope,
            reason,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var name = parse.GetRequiredValue(scope);
            context.Console.MarkupLine($"Opening scope {Formats.Text(name)} (waits the scope lease, about 2 s, until every silo acts on it)...");
            var state = await OperatorAction.RunAsync("open scope", name, () => client.OpenRecoveryScopeAsync(name, parse.GetRequiredValue(reason)));
            WriteState(context.Console, state);
            context.Console.MarkupLine("  Its transactions enter recovery on their next message.");
            context.Console.MarkupLine($"  Progress: recoveryctl scope show {Formats.Text(name)}   List: recoveryctl list --scope {Formats.Text(name)}");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Close(CliContext context)
    {
        var scope = NameArguments.Scope();
        var reason = OperatorAction.OptionalReason("the scope's record");
        var command = new Command("close",
            "Close a scope's recovery: no transaction enters recovery for it any more; those recovering complete one by one. Idempotent.")
        {
            scope,
            reason,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var name = parse.GetRequiredValue(scope);
            var recorded = OperatorAction.Recorded(parse.GetValue(reason));
            var state = await OperatorAction.RunAsync("close scope", name,
                () => recorded is null ? client.CloseRecoveryScopeAsync(name) : client.GetRecoveryScope(name).CloseAsync(recorded));
            WriteState(context.Console, state);
            if (state.CampaignId is not null && await client.GetRecoveryScope(name).GetProgressAsync() is { } progress)
            {
                context.Console.MarkupLine($"  {Formats.Text(ProgressView.Counts(progress))}");
                if (progress.Recovering + progress.Faulted > 0)
                {
                    context.Console.MarkupLine("  Those recovering still need their recovery messages: recoveryctl list --scope " + Formats.Text(name));
                }
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var scope = NameArguments.Scope();
        var command = new Command("show",
            "Show a scope: open or closed, why and since when, and its recovery's progress (recovering, stuck, faulted, replaying, rate, oldest, ETA)")
        {
            scope,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var name = parse.GetRequiredValue(scope);
            var grain = client.GetRecoveryScope(name);
            var state = await grain.GetStateAsync();
            WriteState(context.Console, state);
            if (await grain.GetProgressAsync() is { } progress)
            {
                context.Console.WriteLine();
                context.Console.Write(ProgressView.Create(progress));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>One or two lines: open or closed, since when, the campaign and the reason.</summary>
    private static void WriteState(IAnsiConsole console, RecoveryScopeState state)
    {
        var name = Formats.Text(state.Scope);
        if (state.OpenedAt is null)
        {
            console.MarkupLine($"{name}: never opened.");
            return;
        }

        console.MarkupLine(state.IsOpen
            ? $"{name}: [yellow]open[/] since {Formats.Time(state.OpenedAt)} ({Formats.AgeSince(state.OpenedAt)})"
            : $"{name}: [green]closed[/] at {Formats.Time(state.ClosedAt)} (opened {Formats.Time(state.OpenedAt)})");
        console.MarkupLine($"  campaign: {Formats.Text(state.CampaignId)}");
        console.MarkupLine($"  reason: {Formats.Text(state.Reason)}");
    }
}
