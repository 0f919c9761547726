using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// Notices a gateway that accepted the connection but refused this client during Orleans' handshake, which is what a gateway of
/// another cluster id does. Both sides send a preamble with their cluster id; the gateway closes the connection on a mismatch,
/// usually before its own preamble reaches the client (measured with Orleans 10.4.2: the client logs "Connection terminated
/// prematurely" or a ConnectionAbortedException "Underlying connection closed"), sometimes after (the client logs <c>Unexpected cluster id "X", expected "Y"</c>). Orleans then reports only
/// that no gateway could be reached; this lets recoveryctl say that a gateway answered, and which flag to pass.
/// </summary>
internal sealed partial class GatewayClusterIds : ILoggerProvider
{
    // The category of Orleans' client connection manager (its type name), which logs why a gateway connection ended.
    private const string Category = "Orleans.Runtime.Messaging.ConnectionManager";
    private string? _answered;
    private int _closedInHandshake;

    /// <summary>The cluster id a gateway answered with when it was not the one this client expects, or null.</summary>
    public string? Answered => Volatile.Read(ref _answered);

    /// <summary>A gateway accepted a connection and closed it during the handshake (or answered with another cluster id).</summary>
    public bool ClosedInHandshake => Volatile.Read(ref _closedInHandshake) != 0 || Answered is not null;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? new Recorder(this) : NullLogger.Instance;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    // The texts Orleans' ClientOutboundConnection throws with (Orleans 10.4.2); a change there only loses the better message.
    private const string Premature = "Connection terminated prematurely";

    // Microsoft.AspNetCore.Connections.ConnectionAbortedException, by name: recoveryctl does not reference ASP.NET Core. A gateway
    // that is down refuses the connection instead (a SocketException), so an abort means one answered and then hung up.
    private const string AbortedType = "ConnectionAbortedException";

    [GeneratedRegex("Unexpected cluster id \"(?<answered>[^\"]*)\", expected \"[^\"]*\"", RegexOptions.CultureInvariant)]
    private static partial Regex Mismatch();

    private sealed class Recorder(GatewayClusterIds owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            for (var e = exception; e is not null && IsEnabled(logLevel); e = e.InnerException)
            {
                if (Mismatch().Match(e.Message) is { Success: true } match)
                {
                    Volatile.Write(ref owner._answered, match.Groups["answered"].Value);
                    return;
                }

                // Either side of the race: the client's preamble read ends early, or its connection is aborted under it.
                if ((e is InvalidOperationException && e.Message.StartsWith(Premature, StringComparison.Ordinal))
                    || e.GetType().Name == AbortedType)
                {
                    Volatile.Write(ref owner._closedInHandshake, 1);
                    return;
                }
            }
        }
    }
}
