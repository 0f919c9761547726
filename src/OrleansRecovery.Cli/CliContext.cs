using System.CommandLine;
using OrleansRecovery.Cli.Connection;
using Spectre.Console;

namespace OrleansRecovery.Cli;

/// <summary>What every command needs: where to write, and how to get a cluster client (given, or connected per the options).</summary>
internal sealed class CliContext(IAnsiConsole console, IClusterClient? client)
{
    /// <summary>Where output goes (a terminal, or a plain writer in tests and pipes).</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>The connection options shared by every command.</summary>
    public ConnectionOptions Connection { get; } = new();

    /// <summary>
    /// Connects (or borrows the client recoveryctl was given), runs <paramref name="body"/> and disconnects. Exceptions go to the
    /// caller, which reports them as one line and an exit code.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IClusterClient, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        await using var connection = client is not null
            ? ClusterConnection.Borrow(client)
            : await ClusterConnection.ConnectAsync(ClusterSettings.Load(Connection.Read(parse)), cancellationToken);
        return await body(connection.Client, cancellationToken);
    }
}
