using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Silo;

/// <summary>
/// Orleans' membership timing (<c>Orleans:ClusterMembership:*</c>, bound onto <see cref="ClusterMembershipOptions"/>) and the reminder
/// floor the engine's watchdog needs, checked before the silo starts.
/// </summary>
/// <remarks>
/// A silo that joins checks that it can reach every silo the membership table lists as Active, and it only probes (and so can vote
/// dead) a silo that is suspected or whose heartbeat in the table is older than
/// <see cref="ClusterMembershipOptions.IAmAliveTablePublishTimeout"/> × <see cref="ClusterMembershipOptions.NumMissedTableIAmAliveLimit"/>.
/// After a whole-cluster crash on new addresses the fresh silos therefore wait for that window (Orleans' default 30 s × 3), then for
/// <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> failed probes <see cref="ClusterMembershipOptions.ProbeTimeout"/>
/// apart. The shipped profiles shorten the heartbeat period; the probe settings, which decide when a live but slow silo is declared
/// dead, keep Orleans' defaults. See silo-config/README.md (Membership).
/// </remarks>
public sealed class SiloMembershipSettings
{
    /// <summary>The configuration section, bound onto <see cref="ClusterMembershipOptions"/>.</summary>
    public const string Section = "Orleans:ClusterMembership";

    /// <summary>The shortest heartbeat staleness window accepted: below it a late table write on a busy host makes a live silo stale.</summary>
    public static readonly TimeSpan MinStaleWindow = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, PropertyInfo> Known = typeof(ClusterMembershipOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
        .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The options as configured (Orleans' defaults for keys not set).</summary>
    public ClusterMembershipOptions Options { get; init; } = new();

    /// <summary>How long after its last heartbeat a silo listed Active counts as stale (and a joining silo starts probing it).</summary>
    public TimeSpan StaleWindow => Options.IAmAliveTablePublishTimeout * Options.NumMissedTableIAmAliveLimit;

    /// <summary>Reads and checks the section; adds one failure per bad setting, each naming it.</summary>
    public static SiloMembershipSettings Load(IConfiguration configuration, TransactionRecoveryOptions? engine, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var section = configuration.GetSection(Section);
        var options = new ClusterMembershipOptions();
        var bound = true;
        foreach (var child in section.GetChildren())
        {
            if (child.Key.StartsWith("_comment", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!Known.ContainsKey(child.Key))
            {
                failures.Add($"{Section}:{child.Key} is not a membership setting; known settings: {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal))}.");
                bound = false;
            }
        }

        if (bound)
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                // The binder names the key ("Failed to convert configuration value at 'Orleans:ClusterMembership:ProbeTimeout' ...").
                failures.Add(FirstLine(ex.Message) + " Durations are written hh:mm:ss (e.g. 00:00:05); counts are whole numbers.");
                bound = false;
            }
        }

        if (bound)
        {
            failures.AddRange(Check(options));
        }

        return new SiloMembershipSettings { Options = options };
    }

    /// <summary>The problems of <paramref name="options"/>, each naming its setting (empty when they are fine).</summary>
    public static IReadOnlyList<string> Check(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Range(string key, TimeSpan value, TimeSpan min, TimeSpan max, string? why = null)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Section}:{key} is {Format(value)}; it must be between {Format(min)} and {Format(max)}{why}.");
            }
        }

        void Count(string key, int value, int min, int max, string? why = null)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Section}:{key} is {value}; it must be between {min} and {max}{why}.");
            }
        }

        Range(nameof(options.IAmAliveTablePublishTimeout), options.IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Count(nameof(options.NumMissedTableIAmAliveLimit), options.NumMissedTableIAmAliveLimit, 2, 100,
            " (one late heartbeat must not make a live silo stale)");
        Range(nameof(options.ProbeTimeout), options.ProbeTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1),
            " (shorter probes declare live but busy silos dead)");
        Count(nameof(options.NumMissedProbesLimit), options.NumMissedProbesLimit, 2, 20, " (one lost probe must not suspect a silo)");
        Count(nameof(options.NumProbedSilos), options.NumProbedSilos, 1, 100);
        Count(nameof(options.NumVotesForDeathDeclaration), options.NumVotesForDeathDeclaration, 1, Math.Max(1, options.NumProbedSilos),
            $" (at most {Section}:{nameof(options.NumProbedSilos)})");
        Range(nameof(options.TableRefreshTimeout), options.TableRefreshTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(nameof(options.DeathVoteExpirationTimeout), options.DeathVoteExpirationTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        Range(nameof(options.MaxJoinAttemptTime), options.MaxJoinAttemptTime, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        Range(nameof(options.LocalHealthDegradationMonitoringPeriod), options.LocalHealthDegradationMonitoringPeriod,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (!options.LivenessEnabled)
        {
            failures.Add($"{Section}:{nameof(options.LivenessEnabled)} is false; dead silos would never be declared dead (Orleans allows it for tests only).");
        }

        if (options.MinProbeTimeout <= TimeSpan.Zero || options.MinProbeTimeout > options.ProbeTimeout)
        {
            failures.Add($"{Section}:{nameof(options.MinProbeTimeout)} is {Format(options.MinProbeTimeout)}; it must be positive and at most " +
                $"{Section}:{nameof(options.ProbeTimeout)} ({Format(options.ProbeTimeout)}).");
        }

        if (options.MaxProbeTimeout < options.ProbeTimeout)
        {
            failures.Add($"{Section}:{nameof(options.MaxProbeTimeout)} is {Format(options.MaxProbeTimeout)}; it must be at least " +
                $"{Section}:{nameof(options.ProbeTimeout)} ({Format(options.ProbeTimeout)}).");
        }

        var stale = options.IAmAliveTablePublishTimeout * Math.Max(1, options.NumMissedTableIAmAliveLimit);
        if (failures.Count == 0 && stale < MinStaleWindow)
        {
            failures.Add($"{Section}:{nameof(options.IAmAliveTablePublishTimeout)} × {Section}:{nameof(options.NumMissedTableIAmAliveLimit)} is " +
                $"{Format(stale)}; it must be at least {Format(MinStaleWindow)}, or a heartbeat written late on a busy host makes a live silo stale.");
        }

        return failures;
    }

    /// <summary>One line for the start-up log.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"heartbeat every {Format(Options.IAmAliveTablePublishTimeout)} (stale after {Format(StaleWindow)}), probe timeout {Format(Options.ProbeTimeout)} " +
        $"x {Options.NumMissedProbesLimit} missed, {Options.NumVotesForDeathDeclaration} votes, table refresh {Format(Options.TableRefreshTimeout)}, ");

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}

/// <summary>
/// Checks the silo's <see cref="ClusterMembershipOptions"/> when the host starts, whatever set them (configuration or code), with the
/// same rules as <see cref="SiloMembershipSettings.Check"/>.
/// </summary>
internal sealed class SiloMembershipOptionsValidator : IValidateOptions<ClusterMembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options)
    {
        var failures = SiloMembershipSettings.Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
