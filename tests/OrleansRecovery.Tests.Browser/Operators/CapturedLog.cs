using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Tests.Browser.Operators;

/// <summary>Keeps every formatted log message of a host, so a test can check what an operator's action logged.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _messages = new();

    public IReadOnlyList<(int EventId, string Message)> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log._messages.Enqueue((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
