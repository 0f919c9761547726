namespace OrleansRecovery.Cli;

/// <summary>What recoveryctl's exit code means; scripts and alerts rely on these values.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed or was refused (e.g. retry on a transaction that is not faulted, a rejected message).</summary>
    public const int Failed = 1;

    /// <summary>The command line or the configuration is wrong; nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The cluster could not be reached within the connect timeout, or the connection was lost during the command.</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl+C) before the command finished; 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
