using System.Diagnostics;
using System.Text;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>One run of a program (<c>dotnet X.dll args</c>) to its exit: exit code, output, error output and how long it took.</summary>
internal sealed record ProgramRun(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>The non-empty lines of <see cref="Error"/>.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Runs <paramref name="dll"/> with <paramref name="args"/> and <paramref name="environment"/> in the repository root; kills it
    /// and fails if it has not exited within <paramref name="deadline"/>.
    /// </summary>
    public static async Task<ProgramRun> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan deadline)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = BuildOutputs.RepositoryRoot(),
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(dll)} did not exit within {deadline}; error output:{Environment.NewLine}{Text(error)}" +
                $"{Environment.NewLine}output:{Environment.NewLine}{Text(output)}");
        }

        // The parameterless wait returns once the redirected streams are read to their end.
        await process.WaitForExitAsync();
        return new ProgramRun(process.ExitCode, Text(output), Text(error), clock.Elapsed);
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
