namespace OrleansRecovery.Cli.Errors;

/// <summary>A command cannot do what was asked; its message is printed as one line and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    public CommandFailedException(string message)
        : this(message, ExitCodes.Failed)
    {
    }

    public CommandFailedException()
        : this("The command failed.")
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.Failed;

    /// <summary>The process exit code (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }

    /// <summary>A usage or configuration problem (exit code 2).</summary>
    public static CommandFailedException Usage(string message) => new(message, ExitCodes.Usage);
}
