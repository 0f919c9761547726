using System.Globalization;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Client;

namespace OrleansRecovery.Demo;

/// <summary>The demo's view of a silo-config profile plus its own switches.</summary>
internal sealed record DemoSettings
{
    public required string Profile { get; init; }
    public required string ConfigDirectory { get; init; }
    public required string ClusterId { get; init; }
    public required string ServiceId { get; init; }
    public required bool AzureTableClustering { get; init; }
    public required int GatewayPort { get; init; }
    public required string ConnectionString { get; init; }
    public required string StreamProviderName { get; init; }
    public required string QueuePrefix { get; init; }
    public required int QueueCount { get; init; }
    public required int Accounts { get; init; }
    public required TimeSpan Timeout { get; init; }

    /// <summary><c>Orleans:Tls:*</c> read for a client, as the silo reads it; null when TLS is off.</summary>
    public TransactionTlsSection? Tls { get; init; }

    /// <summary>
    /// Reads <c>silo-config/appsettings.json</c> and <c>appsettings.{profile}.json</c> (the silo's files), then environment variables
    /// and the command line, exactly as the silo layers them. Demo switches: <c>--accounts N</c> (default 5), <c>--timeout SECONDS</c>
    /// (default 90, per wait). TLS: the silo's <c>Orleans:Tls:*</c> keys (e.g. <c>--Orleans:Tls:Enabled=true</c>); the certificate,
    /// if any, is presented as the client certificate, and relative paths are resolved against the configuration directory.
    /// </summary>
    public static DemoSettings Load(string[] args)
    {
        var profile = Argument(args, "--profile") ?? Environment.GetEnvironmentVariable("ORLEANSRECOVERY_PROFILE");
        profile = string.IsNullOrWhiteSpace(profile) ? "local" : profile.Trim();
        var dir = FindConfigDirectory(Argument(args, "--config-dir") ?? Environment.GetEnvironmentVariable("ORLEANSRECOVERY_CONFIG_DIR"));
        var profileFile = Path.Combine(dir, $"appsettings.{profile}.json");
        if (!File.Exists(profileFile))
        {
            throw new DemoConfigurationException($"Profile '{profile}' has no file '{profileFile}'.");
        }

        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(dir, "appsettings.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(profileFile, optional: false, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

        string Required(string key) => config[key] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : throw new DemoConfigurationException($"{key} is missing (profile {profile}, {dir}); set it in the profile or the environment ({key.Replace(":", "__", StringComparison.Ordinal)}).");

        int Int(string key, int fallback, int min, int max)
        {
            var raw = config[key];
            if (string.IsNullOrWhiteSpace(raw))
            {
                return fallback;
            }

            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new DemoConfigurationException($"{key} is '{raw}'; it must be an integer between {min} and {max}.");
        }

        var clustering = Required("Orleans:ClusteringMode");
        var azureTable = clustering.Equals("AzureTable", StringComparison.OrdinalIgnoreCase);
        if (!azureTable && !clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new DemoConfigurationException($"Orleans:ClusteringMode is '{clustering}'; it must be Localhost or AzureTable.");
        }

        // The same reader as the silo's, so a profile that works for the silos works here; every problem is named at once.
        var tlsFailures = new List<string>();
        var tls = TransactionTlsSection.Read(config, TransactionTlsRole.Client, tlsFailures, baseDirectory: dir);
        if (tlsFailures.Count > 0)
        {
            throw new DemoConfigurationException($"TLS (profile {profile}, {dir}): {string.Join(" ", tlsFailures)}");
        }

        return new DemoSettings
        {
            Profile = profile,
            ConfigDirectory = dir,
            ClusterId = Required("Orleans:ClusterId"),
            ServiceId = Required("Orleans:ServiceId"),
            AzureTableClustering = azureTable,
            GatewayPort = Int("Orleans:GatewayPort", 30000, 1, 65535),
            ConnectionString = Required("Storage:ConnectionString"),
            StreamProviderName = config["OrleansRecovery:Azure:StreamProviderName"] is { Length: > 0 } provider ? provider : TransactionStreams.ProviderName,
            QueuePrefix = config["OrleansRecovery:Azure:QueuePrefix"] is { Length: > 0 } prefix ? prefix : TransactionStreams.DefaultQueuePrefix,
            QueueCount = Int("OrleansRecovery:Azure:QueueCount", TransactionStreams.DefaultQueueCount, 1, 64),
            Accounts = Int("accounts", 5, 1, 100),
            Timeout = TimeSpan.FromSeconds(Int("timeout", 90, 1, 3600)),
            Tls = tls,
        };
    }

    private static string FindConfigDirectory(string? explicitDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Directory.Exists(explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw new DemoConfigurationException($"Configuration directory '{explicitDirectory}' does not exist.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "silo-config");
                if (File.Exists(Path.Combine(candidate, "appsettings.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DemoConfigurationException("No silo-config/appsettings.json found; pass --config-dir DIR or set ORLEANSRECOVERY_CONFIG_DIR.");
    }

    private static string? Argument(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], name, StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            {
                return args[i][(name.Length + 1)..];
            }
        }

        return null;
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
