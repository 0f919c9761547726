using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace OrleansRecovery.Configuration;

/// <summary>
/// The <c>silo-config/</c> directory as the content root of the silo host, the operators' web host, recoveryctl and the demo, so
/// that each reads the same <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c> the standard way (environment from
/// <c>--environment</c> or <c>DOTNET_ENVIRONMENT</c>), then environment variables and the command line. Linked as source into
/// those programs: it is how this repository's tools find their files, not something an application needs.
/// </summary>
internal static class SiloConfigFiles
{
    /// <summary>The directory's name.</summary>
    public const string DirectoryName = "silo-config";

    private static readonly string[] StandardEnvironments = [Environments.Development, Environments.Staging, Environments.Production];

    /// <summary>
    /// The first <c>silo-config/</c> holding an <c>appsettings.json</c> from the working directory upwards (a checkout), else from
    /// the executable's directory upwards (the copy installed with the program).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">None was found; the message says how to name one.</exception>
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DirectoryName);
                if (File.Exists(Path.Combine(candidate, "appsettings.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No {DirectoryName}/appsettings.json found above '{Directory.GetCurrentDirectory()}' or " +
            $"'{AppContext.BaseDirectory}'; pass --contentRoot DIR.");
    }

    /// <summary>
    /// <paramref name="args"/> with the older spellings made standard (<c>--profile NAME</c> is <c>--environment NAME</c>,
    /// <c>--config-dir DIR</c> is <c>--contentRoot DIR</c>), and the content root: the one given, else <see cref="Find"/>.
    /// </summary>
    public static (string[] Args, string ContentRoot) Resolve(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string[] standard = [.. args.Select(a =>
            a.Equals("--profile", StringComparison.OrdinalIgnoreCase) ? "--environment"
            : a.StartsWith("--profile=", StringComparison.OrdinalIgnoreCase) ? "--environment=" + a["--profile=".Length..]
            : a.Equals("--config-dir", StringComparison.OrdinalIgnoreCase) ? "--contentRoot"
            : a.StartsWith("--config-dir=", StringComparison.OrdinalIgnoreCase) ? "--contentRoot=" + a["--config-dir=".Length..]
            : a)];
        var at = Array.FindIndex(standard, a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var root = at < 0 ? Find()
            : standard[at].Contains('=', StringComparison.Ordinal) ? standard[at][(standard[at].IndexOf('=', StringComparison.Ordinal) + 1)..]
            : at + 1 < standard.Length ? standard[at + 1] : throw new ArgumentException("--contentRoot needs a value.", nameof(args));
        return (standard, Path.GetFullPath(root));
    }

    /// <summary>
    /// What an Orleans client of these silos reads of their configuration: cluster and service id, clustering (a client reads its
    /// gateways, or the same membership table), messaging limits, TLS and connection strings. The silos' provider sections
    /// (grain storage, reminders, streams) are left out: a client has no such providers and Orleans would refuse them.
    /// </summary>
    public static IConfiguration ClientView(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string[] shared = ["Orleans:ClusterId", "Orleans:ServiceId", "Orleans:Clustering", "Orleans:Messaging", "Orleans:Tls", "ConnectionStrings"];
        return new ConfigurationBuilder().AddInMemoryCollection(configuration.AsEnumerable()
            .Where(e => e.Value is not null && shared.Any(k => e.Key == k || e.Key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))).Build();
    }

    /// <summary>
    /// Why <paramref name="environment"/> cannot be right, or null: an environment other than Development, Staging and Production
    /// must have its file, or a misspelt name would silently run with the defaults.
    /// </summary>
    public static string? Problem(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Problem(environment.EnvironmentName, environment.ContentRootPath);
    }

    /// <inheritdoc cref="Problem(IHostEnvironment)"/>
    public static string? Problem(string environment, string contentRoot)
    {
        var file = Path.Combine(contentRoot, $"appsettings.{environment}.json");
        if (File.Exists(file) || StandardEnvironments.Contains(environment, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var present = Directory.GetFiles(contentRoot, "appsettings.*.json").Select(f => Path.GetFileName(f)[12..^5]).Order(StringComparer.Ordinal);
        return $"Environment '{environment}' (from --environment or DOTNET_ENVIRONMENT) has no file '{file}'. " +
            $"Environments: {string.Join(", ", present)}.";
    }
}
