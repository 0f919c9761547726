using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Web;

/// <summary>
/// The web host's connection policy: while no gateway answers, log why and try again every 2 s. An operators' page that exits
/// because the cluster is down would be gone exactly when it is needed.
/// </summary>
internal sealed partial class KeepTryingToConnect(ILogger<KeepTryingToConnect> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        Connecting(logger, exception.GetType().Name, exception.Message, Pause);
        await Task.Delay(Pause, cancellationToken);
        return true;
    }

    [LoggerMessage(9101, LogLevel.Warning, "No gateway of the cluster answered ({ExceptionType}: {Reason}); trying again in {Pause}")]
    private static partial void Connecting(ILogger logger, string exceptionType, string reason, TimeSpan pause);
}
