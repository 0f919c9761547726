using OrleansRecovery.Cli.Errors;

namespace OrleansRecovery.Cli.Commands;

/// <summary>Runs an operator action on a transaction; a refusal (wrong mode, bad reason) becomes one line naming the action and the transaction.</summary>
internal static class OperatorAction
{
    /// <summary>
    /// An optional <c>--reason</c> for actions whose reason the cluster keeps when one is given (retry, scope close, campaign
    /// start and completion); without it they run as before and keep none.
    /// </summary>
    public static System.CommandLine.Option<string> OptionalReason(string keptWhere) =>
        new("--reason") { Description = $"Why (kept in {keptWhere}, with the operating system user who ran recoveryctl)" };

    /// <summary>The reason as kept: the operator's words, then who ran the action and from where, as the admin page words it.</summary>
    public static string? Recorded(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? null : $"{reason} [by {Environment.UserName} via recoveryctl]";

    public static async Task<T> RunAsync<T>(string action, string transactionId, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new CommandFailedException($"cannot {action} '{transactionId}': {ErrorReport.FirstLine(ex.Message)}", ex);
        }
    }
}
