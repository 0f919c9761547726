using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Demo;

/// <summary>
/// What the demo needs beyond joining the cluster (which Orleans does from its own keys): the silos' transaction streams
/// (<c>Orleans:Streaming:TransactionStreams</c>: its account, queue prefix and count, which producers must share) and the demo's
/// own switches, <c>--accounts N</c> (default 5) and <c>--timeout SECONDS</c> (default 90, per wait).
/// </summary>
internal sealed record DemoSettings
{
    private const string Streams = "Orleans:Streaming:" + TransactionStreams.ProviderName;

    public required string ConnectionString { get; init; }
    public string StreamProviderName { get; init; } = TransactionStreams.ProviderName;
    public required string QueuePrefix { get; init; }
    public required int QueueCount { get; init; }
    public required int Accounts { get; init; }
    public required TimeSpan Timeout { get; init; }

    /// <summary>Reads the settings; every problem is named at once.</summary>
    /// <exception cref="DemoConfigurationException">A setting is missing or out of range.</exception>
    public static DemoSettings Load(IConfiguration config)
    {
        var failures = new List<string>();
        int Int(string key, int fallback, int min, int max)
        {
            if (config[key] is not { Length: > 0 } raw)
            {
                return fallback;
            }

            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            failures.Add($"{key} is '{raw}'; it must be an integer between {min} and {max}.");
            return fallback;
        }

        var name = config[$"{Streams}:ConnectionName"];
        var connectionString = name is { Length: > 0 } ? config.GetConnectionString(name) : config[$"{Streams}:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{(name is { Length: > 0 } ? $"ConnectionStrings:{name}" : $"{Streams}:ConnectionString")} is missing; the demo publishes on the silos' Azure queues.");
        }

        var settings = new DemoSettings
        {
            ConnectionString = connectionString ?? string.Empty,
            QueuePrefix = config[$"{Streams}:QueuePrefix"] is { Length: > 0 } prefix ? prefix : TransactionStreams.DefaultQueuePrefix,
            QueueCount = Int($"{Streams}:QueueCount", TransactionStreams.DefaultQueueCount, 1, 64),
            Accounts = Int("accounts", 5, 1, 100),
            Timeout = TimeSpan.FromSeconds(Int("timeout", 90, 1, 3600)),
        };
        return failures.Count == 0 ? settings : throw new DemoConfigurationException(string.Join(" ", failures));
    }
}

/// <summary>The demo cannot run with the configuration it was given.</summary>
internal sealed class DemoConfigurationException : Exception
{
    public DemoConfigurationException(string message)
        : base(message)
    {
    }

    public DemoConfigurationException()
    {
    }

    public DemoConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
