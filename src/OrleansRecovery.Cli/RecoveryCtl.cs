using System.CommandLine;
using System.CommandLine.Invocation;
using OrleansRecovery.Cli.Commands;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Rendering;

namespace OrleansRecovery.Cli;

/// <summary>
/// recoveryctl's command tree and entry point. <see cref="RunAsync(string[], IClusterClient?, TextWriter?, TextWriter?, CancellationToken)"/>
/// runs one command line: the process passes no client (recoveryctl connects per its options); tests and embedding pass a
/// connected client and a writer, and get plain text.
/// </summary>
internal static class RecoveryCtl
{
    /// <summary>Runs <paramref name="args"/> as the process does: on the terminal, connecting per the options.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, client: null, output: null);

    /// <summary>Runs one command line and returns its exit code (see <see cref="ExitCodes"/>); never throws for a failed command.</summary>
    /// <param name="args">The command line, e.g. <c>["show", "acct-1"]</c>.</param>
    /// <param name="client">A connected client to use instead of connecting; null to connect per the connection options.</param>
    /// <param name="output">Where to write (plain text, 200 columns); null for the process's console.</param>
    /// <param name="error">Where errors go; null for <paramref name="output"/> when given, else standard error.</param>
    /// <param name="cancellationToken">Stops the command (as Ctrl+C does).</param>
    public static async Task<int> RunAsync(string[] args, IClusterClient? client, TextWriter? output, TextWriter? error = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = output is null ? Consoles.ForProcess() : Consoles.ForWriter(output);
        error ??= output ?? Console.Error;
        var root = Build(new CliContext(console, client));
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"recoveryctl: {parseError.Message}");
            }

            await error.WriteLineAsync("Run 'recoveryctl --help' (or 'recoveryctl COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output ?? Console.Out,
                Error = error,
                EnableDefaultExceptionHandler = false,
            }, cancellationToken);
        }
#pragma warning disable CA1031 // Every failure becomes one line and an exit code; an operator needs the reason, not a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ErrorReport.Write(ex, error);
        }
    }

    /// <summary>The command tree, its actions bound to <paramref name="context"/>.</summary>
    public static RootCommand Build(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand(
            "recoveryctl: operate OrleansRecovery. See which transactions are recovering, faulted or stuck, look at one, send messages, " +
            "begin recovery (of one transaction, a scope or a campaign), retry or skip a poison message, watch live, and generate load. " +
            "Exit codes: 0 done, 1 failed or refused, 2 usage or configuration, 3 cluster unreachable.");
        context.Connection.AddTo(root);
        root.Add(StatusCommand.Create(context));
        root.Add(ListCommand.Create(context));
        root.Add(ShowCommand.Create(context));
        root.Add(PendingCommand.Create(context));
        root.Add(PreviewCommand.Create(context));
        root.Add(SendCommand.Create(context));
        root.Add(TypesCommand.Create(context));
        root.Add(BeginRecoveryCommand.Create(context));
        root.Add(ScopeCommand.Create(context));
        root.Add(CampaignCommand.Create(context));
        root.Add(RetryCommand.Create(context));
        root.Add(SkipCommand.Create(context));
        root.Add(WatchCommand.Create(context));
        root.Add(LoadCommand.Create(context));
        return root;
    }
}
