using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Client;

/// <summary>
/// The <c>silo-config</c> directory: <c>appsettings.json</c> plus one <c>appsettings.{profile}.json</c> per profile. The silo host,
/// the operators' web host, recoveryctl and the demo all find it and layer a profile with this type, so that a profile that works
/// for the silos works for their clients, with the same messages when it does not.
/// </summary>
public sealed partial class SiloConfigDirectory
{
    /// <summary>The name of the directory.</summary>
    public const string DirectoryName = "silo-config";

    /// <summary>The environment variable naming the profile when the command line does not.</summary>
    public const string ProfileEnvironmentVariable = "ORLEANSRECOVERY_PROFILE";

    /// <summary>The environment variable naming the directory when the command line does not.</summary>
    public const string DirectoryEnvironmentVariable = "ORLEANSRECOVERY_CONFIG_DIR";

    /// <summary>The profile used when none is named.</summary>
    public const string DefaultProfile = "local";

    private SiloConfigDirectory(string path) => Path = path;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The profiles present (one per <c>appsettings.{profile}.json</c>), in ordinal order.</summary>
    public IReadOnlyList<string> Profiles =>
        [.. Directory.GetFiles(Path, "appsettings.*.json")
            .Select(f => System.IO.Path.GetFileNameWithoutExtension(f)["appsettings.".Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// The profile to load: <paramref name="profile"/> (from the command line) when given, else <see cref="ProfileEnvironmentVariable"/>,
    /// else <see cref="DefaultProfile"/>.
    /// </summary>
    /// <param name="profile">The profile named on the command line, or null.</param>
    /// <param name="environment">Reads environment variables; default: the process environment.</param>
    public static string ResolveProfile(string? profile, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        profile = string.IsNullOrWhiteSpace(profile) ? environment(ProfileEnvironmentVariable) : profile;
        return string.IsNullOrWhiteSpace(profile) ? DefaultProfile : profile.Trim();
    }

    /// <summary>
    /// The directory to use instead of searching: <paramref name="directory"/> (from the command line) when given, else
    /// <see cref="DirectoryEnvironmentVariable"/>, else null.
    /// </summary>
    /// <param name="directory">The directory named on the command line, or null.</param>
    /// <param name="environment">Reads environment variables; default: the process environment.</param>
    public static string? ResolveDirectory(string? directory, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        directory = string.IsNullOrWhiteSpace(directory) ? environment(DirectoryEnvironmentVariable) : directory;
        return string.IsNullOrWhiteSpace(directory) ? null : directory;
    }

    /// <summary>
    /// The value of option <paramref name="name"/> in <paramref name="args"/> (<c>--name VALUE</c> or <c>--name=VALUE</c>, any
    /// case), or null when it is absent.
    /// </summary>
    /// <exception cref="SiloConfigException">The option is the last argument, without a value.</exception>
    public static string? ArgumentValue(IReadOnlyList<string> args, string name)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        for (var i = 0; i < args.Count; i++)
        {
            if (string.Equals(args[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1 < args.Count ? args[i + 1] : throw new SiloConfigException($"{name} needs a value.");
            }

            if (args[i].StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            {
                return args[i][(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>
    /// Finds the directory: <paramref name="explicitDirectory"/> when given (see <see cref="ResolveDirectory"/>), else the first
    /// <c>silo-config</c> holding an <c>appsettings.json</c> from the working directory upwards (a checkout), else from the
    /// executable's directory upwards (a copy installed with the program).
    /// </summary>
    /// <exception cref="SiloConfigException">The directory named does not exist, or none was found.</exception>
    public static SiloConfigDirectory Find(string? explicitDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            var full = System.IO.Path.GetFullPath(explicitDirectory);
            return Directory.Exists(full)
                ? new SiloConfigDirectory(full)
                : throw new SiloConfigException($"Configuration directory '{full}' (from --config-dir or {DirectoryEnvironmentVariable}) does not exist.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, DirectoryName);
                if (File.Exists(System.IO.Path.Combine(candidate, "appsettings.json")))
                {
                    return new SiloConfigDirectory(candidate);
                }
            }
        }

        throw new SiloConfigException(
            $"No {DirectoryName}/appsettings.json found above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'; " +
            $"pass --config-dir DIR or set {DirectoryEnvironmentVariable}.");
    }

    /// <summary>
    /// Adds <paramref name="profile"/>'s configuration to <paramref name="configuration"/>, in increasing precedence:
    /// <c>appsettings.json</c>, <c>appsettings.{profile}.json</c>, environment variables (e.g. <c>Storage__ConnectionString</c>)
    /// when <paramref name="includeEnvironment"/>, and <paramref name="args"/> as a command line (e.g. <c>--Orleans:GatewayPort=30001</c>).
    /// </summary>
    /// <exception cref="SiloConfigException">The profile's name is not valid, or a file is missing.</exception>
    public IConfigurationBuilder AddProfile(IConfigurationBuilder configuration, string profile, IReadOnlyList<string>? args = null,
        bool includeEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        if (!ProfileName().IsMatch(profile))
        {
            throw new SiloConfigException($"Profile '{profile}' is not a valid name (letters, digits, '-' and '_').");
        }

        var baseFile = System.IO.Path.Combine(Path, "appsettings.json");
        var profileFile = System.IO.Path.Combine(Path, $"appsettings.{profile}.json");
        if (!File.Exists(baseFile))
        {
            throw new SiloConfigException($"'{baseFile}' does not exist.");
        }

        if (!File.Exists(profileFile))
        {
            throw new SiloConfigException(
                $"Profile '{profile}' (from --profile or {ProfileEnvironmentVariable}) has no file '{profileFile}'. " +
                $"Profiles: {string.Join(", ", Profiles)}.");
        }

        configuration.AddJsonFile(baseFile, optional: false, reloadOnChange: false);
        configuration.AddJsonFile(profileFile, optional: false, reloadOnChange: false);
        if (includeEnvironment)
        {
            configuration.AddEnvironmentVariables();
        }

        if (args is { Count: > 0 })
        {
            configuration.AddCommandLine([.. args]);
        }

        return configuration;
    }

    /// <summary>Loads <paramref name="profile"/> into a configuration of its own; see <see cref="AddProfile"/>.</summary>
    /// <exception cref="SiloConfigException">The profile's name is not valid, or a file is missing.</exception>
    public IConfigurationRoot Load(string profile, IReadOnlyList<string>? args = null, bool includeEnvironment = true) =>
        AddProfile(new ConfigurationBuilder(), profile, args, includeEnvironment).Build();

    /// <inheritdoc />
    public override string ToString() => Path;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ProfileName();
}
