using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace OrleansRecovery.Cli.Errors;

/// <summary>
/// Turns any failure into one line on the error writer and an exit code: an operator at 3 a.m. needs the reason, not a stack
/// trace.
/// </summary>
internal static class ErrorReport
{
    /// <summary>Writes <paramref name="exception"/> as one line and returns the exit code it stands for.</summary>
    public static int Write(Exception exception, TextWriter error)
    {
        var (code, text) = Describe(exception);
        error.WriteLine($"recoveryctl: {text}");
        return code;
    }

    /// <summary>The exit code and the one-line message for <paramref name="exception"/>.</summary>
    public static (int Code, string Text) Describe(Exception exception) => exception switch
    {
        CommandFailedException failed => (failed.ExitCode, failed.Message),
        ClusterUnreachableException unreachable => (ExitCodes.Unreachable, unreachable.Message),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or ConnectionFailedException =>
            (ExitCodes.Unreachable, $"lost the connection to the cluster: {FirstLine(exception.Message)}"),
        TimeoutException => (ExitCodes.Unreachable, $"the cluster did not answer in time: {FirstLine(exception.Message)}"),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted."),

        // What the grain throws for a refused operator action (not faulted, bad reason) is already worded for people.
        InvalidOperationException or ArgumentException => (ExitCodes.Failed, FirstLine(exception.Message)),
        _ => (ExitCodes.Failed, $"{exception.GetType().Name}: {FirstLine(exception.Message)}"),
    };

    /// <summary>The first line of <paramref name="text"/>, trimmed (Orleans appends diagnostics on later lines).</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
