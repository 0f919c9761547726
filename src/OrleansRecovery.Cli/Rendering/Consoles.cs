using System.Globalization;
using Spectre.Console;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>The Spectre consoles recoveryctl writes to.</summary>
internal static class Consoles
{
    /// <summary>Width of output that does not go to a terminal (pipes, files, tests): wide enough that ids are not wrapped.</summary>
    public const int PlainWidth = 200;

    /// <summary>The process's console; when output is redirected it is plain text, <see cref="PlainWidth"/> (or $COLUMNS) wide.</summary>
    public static IAnsiConsole ForProcess()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture,
                out var columns) && columns > 20 ? columns : PlainWidth;
        }

        return console;
    }

    /// <summary>A plain-text, non-interactive console over <paramref name="writer"/> (tests and embedding).</summary>
    public static IAnsiConsole ForWriter(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = PlainWidth;
        return console;
    }
}
