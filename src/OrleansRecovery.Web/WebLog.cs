using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Web;

/// <summary>The web host's own log messages (event ids 91xx).</summary>
internal static partial class WebLog
{
    [LoggerMessage(9100, LogLevel.Information,
        "OrleansRecovery web host started: environment {Environment}, cluster {ClusterId}, admin page {AdminUrl}, Orleans Dashboard {DashboardUrl}")]
    public static partial void Started(ILogger logger, string environment, string clusterId, string adminUrl, string dashboardUrl);
}
