using System.CommandLine;
using System.Globalization;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Input;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>watch [--interval 1s] [--iterations N] [--recovering] [--faulted] [--stuck]</c>: the registry as a live table, refreshed until
/// Ctrl+C (or N refreshes). On a terminal the table is redrawn in place; elsewhere (pipes, logs, tests) each refresh is printed.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        var filter = new RegistryFilter();
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Time between refreshes, e.g. 1s or 500ms",
            CustomParser = DurationParser.Parse,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
        };
        var iterations = new Option<int>("--iterations")
        {
            Description = "Stop after this many refreshes; 0 runs until Ctrl+C",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("watch", "Watch recovering, faulted and stuck transactions live (Ctrl+C to stop)") { interval, iterations };
        filter.AddTo(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, token) =>
        {
            var count = parse.GetValue(iterations);
            if (count < 0)
            {
                throw CommandFailedException.Usage($"--iterations is {count}; it must be 0 (until Ctrl+C) or more.");
            }

            var what = filter.Describe(parse);
            var pause = parse.GetValue(interval);
            async Task<IRenderable> FrameAsync(int n)
            {
                var entries = await filter.ListAsync(client, parse);
                var of = count > 0 ? string.Create(CultureInfo.InvariantCulture, $"/{count}") : "";
                var stop = count == 0 ? "  (Ctrl+C to stop)" : "";
                var heading = new Markup(string.Create(CultureInfo.InvariantCulture,
                    $"[bold]{Formats.Time(DateTimeOffset.UtcNow)}[/]  refresh {n}{of}, every {Formats.Age(pause)}; {entries.Count} {Markup.Escape(what)} transaction(s){Markup.Escape(filter.Where(parse))}{stop}"));
                return entries.Count == 0
                    ? new Rows(heading)
                    : new Rows(heading, RegistryTable.Create(entries), new Text(RegistryTable.Summary(entries)));
            }

            try
            {
                if (context.Console.Profile.Capabilities.Interactive)
                {
                    await context.Console.Live(new Text("Reading the registry…")).AutoClear(false).StartAsync(async live =>
                    {
                        for (var n = 1; count == 0 || n <= count; n++)
                        {
                            live.UpdateTarget(await FrameAsync(n));
                            live.Refresh();
                            if (count == 0 || n < count)
                            {
                                await Task.Delay(pause, token);
                            }
                        }
                    });
                }
                else
                {
                    for (var n = 1; count == 0 || n <= count; n++)
                    {
                        context.Console.Write(await FrameAsync(n));
                        if (count == 0 || n < count)
                        {
                            await Task.Delay(pause, token);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends.
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
