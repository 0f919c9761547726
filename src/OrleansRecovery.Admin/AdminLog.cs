using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Admin;

/// <summary>The admin page's log messages (event ids 80xx): every operator action, done or refused, with who and why.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(8001, LogLevel.Warning,
        "Operator {Actor} did {Action} on {Target} from the admin page: {Reason}. Outcome: {Outcome}")]
    public static partial void ActionDone(ILogger logger, string actor, string action, string target, string reason, string outcome);

    [LoggerMessage(8002, LogLevel.Warning,
        "Operator {Actor} asked for {Action} on {Target} from the admin page ({Reason}); refused: {Problem}")]
    public static partial void ActionRefused(ILogger logger, string actor, string action, string target, string reason, string problem);

    [LoggerMessage(8003, LogLevel.Warning,
        "An action ({Action}) was asked of the read-only admin page (no operator policy configured) and refused")]
    public static partial void ReadOnlyRefused(ILogger logger, string action);
}
