using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecovery.Cli.Errors;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// Keeps the reason of the last failed TLS handshake that Orleans' client TLS middleware logs. Orleans then just drops the
/// connection and reports that no gateway could be reached; this lets recoveryctl say that TLS was the problem.
/// </summary>
internal sealed class TlsHandshakeFailures : ILoggerProvider
{
    // The category of Orleans.Connections.Security's client-side middleware (its type name).
    private const string Category = "Orleans.Connections.Security.TlsClientConnectionMiddleware";
    private string? _last;

    /// <summary>The innermost message of the last handshake failure, or null when none failed.</summary>
    public string? Last => Volatile.Read(ref _last);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? new Recorder(this) : NullLogger.Instance;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Recorder(TlsHandshakeFailures owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // The innermost exception is the platform's own reason (e.g. the peer's TLS alert); the outer ones only wrap it.
            var reason = exception;
            while (reason?.InnerException is not null)
            {
                reason = reason.InnerException;
            }

            var text = reason is null ? formatter(state, exception) : $"{reason.GetType().Name}: {reason.Message}";
            Volatile.Write(ref owner._last, ErrorReport.FirstLine(text));
        }
    }
}
