using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansRecovery.Silo;

/// <summary>
/// Checks Orleans' membership timing (<c>Orleans:ClusterMembership</c>, bound onto <see cref="ClusterMembershipOptions"/>) when the
/// silo starts, whatever set it. The shipped configuration shortens heartbeats so that fresh silos serve soon after a whole-cluster
/// crash; the probe settings, which decide when a live but slow silo is declared dead, keep Orleans' defaults and may not be
/// lowered below what tolerates one lost probe. See silo-config/README.md (Membership).
/// </summary>
internal sealed class SiloMembershipOptionsValidator : IValidateOptions<ClusterMembershipOptions>
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orleans:ClusterMembership";

    /// <summary>The shortest heartbeat staleness window accepted: below it a late table write on a busy host makes a live silo stale.</summary>
    public static readonly TimeSpan MinStaleWindow = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options)
    {
        const string S = SectionName;
        var failures = new List<string>();
        void Range(string key, TimeSpan value, TimeSpan min, TimeSpan max, string? why = null)
        {
            if (value < min || value > max)
            {
                failures.Add($"{S}:{key} is {F(value)}; it must be between {F(min)} and {F(max)}{why}.");
            }
        }

        void Count(string key, int value, int min, int max, string? why = null)
        {
            if (value < min || value > max)
            {
                failures.Add($"{S}:{key} is {value}; it must be between {min} and {max}{why}.");
            }
        }

        Range(nameof(options.IAmAliveTablePublishTimeout), options.IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Count(nameof(options.NumMissedTableIAmAliveLimit), options.NumMissedTableIAmAliveLimit, 2, 100, " (one late heartbeat must not make a live silo stale)");
        Range(nameof(options.ProbeTimeout), options.ProbeTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), " (shorter probes declare live but busy silos dead)");
        Count(nameof(options.NumMissedProbesLimit), options.NumMissedProbesLimit, 2, 20, " (one lost probe must not suspect a silo)");
        Count(nameof(options.NumProbedSilos), options.NumProbedSilos, 1, 100);
        Count(nameof(options.NumVotesForDeathDeclaration), options.NumVotesForDeathDeclaration, 1, Math.Max(1, options.NumProbedSilos),
            $" (at most {S}:{nameof(options.NumProbedSilos)})");
        Range(nameof(options.TableRefreshTimeout), options.TableRefreshTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(nameof(options.DeathVoteExpirationTimeout), options.DeathVoteExpirationTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        Range(nameof(options.MaxJoinAttemptTime), options.MaxJoinAttemptTime, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        Range(nameof(options.LocalHealthDegradationMonitoringPeriod), options.LocalHealthDegradationMonitoringPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (options.MinProbeTimeout <= TimeSpan.Zero || options.MinProbeTimeout > options.ProbeTimeout)
        {
            failures.Add($"{S}:{nameof(options.MinProbeTimeout)} is {F(options.MinProbeTimeout)}; it must be positive and at most {S}:{nameof(options.ProbeTimeout)} ({F(options.ProbeTimeout)}).");
        }

        if (options.MaxProbeTimeout < options.ProbeTimeout)
        {
            failures.Add($"{S}:{nameof(options.MaxProbeTimeout)} is {F(options.MaxProbeTimeout)}; it must be at least {S}:{nameof(options.ProbeTimeout)} ({F(options.ProbeTimeout)}).");
        }

        if (!options.LivenessEnabled)
        {
            failures.Add($"{S}:{nameof(options.LivenessEnabled)} is false; dead silos would never be declared dead (Orleans allows it for tests only).");
        }

        var stale = options.IAmAliveTablePublishTimeout * Math.Max(1, options.NumMissedTableIAmAliveLimit);
        if (failures.Count == 0 && stale < MinStaleWindow)
        {
            failures.Add($"{S}:{nameof(options.IAmAliveTablePublishTimeout)} × {S}:{nameof(options.NumMissedTableIAmAliveLimit)} is " +
                $"{F(stale)}; it must be at least {F(MinStaleWindow)}, or a heartbeat written late on a busy host makes a live silo stale.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>One line for the start-up log.</summary>
    public static string Describe(ClusterMembershipOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"heartbeat every {F(o.IAmAliveTablePublishTimeout)} (stale after {F(o.IAmAliveTablePublishTimeout * o.NumMissedTableIAmAliveLimit)}), " +
        $"probe timeout {F(o.ProbeTimeout)} x {o.NumMissedProbesLimit} missed, {o.NumVotesForDeathDeclaration} votes, table refresh {F(o.TableRefreshTimeout)}");

    private static string F(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
