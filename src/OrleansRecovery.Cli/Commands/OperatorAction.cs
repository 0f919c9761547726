using OrleansRecovery.Cli.Errors;

namespace OrleansRecovery.Cli.Commands;

/// <summary>Runs an operator action on a transaction; a refusal (wrong mode, bad reason) becomes one line naming the action and the transaction.</summary>
internal static class OperatorAction
{
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
