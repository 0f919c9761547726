using System.Globalization;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Client;

namespace OrleansRecovery.Demo;

/// <summary>The demo's view of a silo-config profile plus its own switches.</summary>
internal sealed record DemoSettings
{
    public required string Profile { get; init; }
    public required string ConfigDirectory { get; init; }

    /// <summary>How to join the cluster (clustering, message size limits, TLS), read as recoveryctl reads it.</summary>
    public required ClusterClientSettings Client { get; init; }

    public required string ConnectionString { get; init; }
    public required string StreamProviderName { get; init; }
    public required string QueuePrefix { get; init; }
    public required int QueueCount { get; init; }
    public required int Accounts { get; init; }
    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// Reads <c>silo-config/appsettings.json</c> and <c>appsettings.{profile}.json</c> (the silo's files), then environment variables
    /// and the command line, exactly as the silo layers them (<see cref="SiloConfigDirectory"/>). Demo switches: <c>--accounts N</c>
    /// (default 5), <c>--timeout SECONDS</c> (default 90, per wait). The cluster is joined with <see cref="ClusterClientSettings"/>:
    /// the silo's <c>Orleans:*</c> keys, including <c>Orleans:Messaging:*</c> and <c>Orleans:Tls:*</c> (e.g.
    /// <c>--Orleans:Tls:Enabled=true</c>; the certificate, if any, is presented as the client certificate, and relative paths are
    /// resolved against the configuration directory).
    /// </summary>
    public static DemoSettings Load(string[] args)
    {
        string profile;
        SiloConfigDirectory dir;
        IConfigurationRoot config;
        try
        {
            profile = SiloConfigDirectory.ResolveProfile(SiloConfigDirectory.ArgumentValue(args, "--profile"));
            dir = SiloConfigDirectory.Find(SiloConfigDirectory.ResolveDirectory(SiloConfigDirectory.ArgumentValue(args, "--config-dir")));
            config = dir.Load(profile, args);
        }
        catch (SiloConfigException ex)
        {
            throw new DemoConfigurationException(ex.Message, ex);
        }

        // Every problem is named at once, with the messages recoveryctl gives for the same profile.
        var failures = new List<string>();
        var client = ClusterClientSettings.Read(config, failures, baseDirectory: dir.Path);
        if (client is not null && client.ConnectionString is null)
        {
            failures.Add("Storage:ConnectionString is missing; set it in the profile or the environment (Storage__ConnectionString). The demo publishes on the silos' Azure queues.");
        }

        int Int(string key, int fallback, int min, int max) => ProfileValues.WholeNumber(config, key, min, max, failures) ?? fallback;

        var queueCount = Int("OrleansRecovery:Azure:QueueCount", TransactionStreams.DefaultQueueCount, 1, 64);
        var accounts = Int("accounts", 5, 1, 100);
        var timeout = Int("timeout", 90, 1, 3600);
        if (client is null || failures.Count > 0)
        {
            client?.Tls?.Certificate?.Dispose();
            throw new DemoConfigurationException($"profile {profile} ({dir.Path}): {string.Join(" ", failures)}");
        }

        return new DemoSettings
        {
            Profile = profile,
            ConfigDirectory = dir.Path,
            Client = client,
            ConnectionString = client.ConnectionString!,
            StreamProviderName = config["OrleansRecovery:Azure:StreamProviderName"] is { Length: > 0 } provider ? provider : TransactionStreams.ProviderName,
            QueuePrefix = config["OrleansRecovery:Azure:QueuePrefix"] is { Length: > 0 } prefix ? prefix : TransactionStreams.DefaultQueuePrefix,
            QueueCount = queueCount,
            Accounts = accounts,
            Timeout = TimeSpan.FromSeconds(timeout),
        };
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
