using System.Globalization;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>
/// The knobs of a chaos run, from the environment (scripts/chaos.sh sets them): ORLEANSRECOVERY_CHAOS_ROUNDS (kill rounds,
/// default 6), ORLEANSRECOVERY_CHAOS_TRANSACTIONS (default 24), ORLEANSRECOVERY_CHAOS_SEED (default: random, printed),
/// ORLEANSRECOVERY_CHAOS_LOG (a file that receives progress lines as they happen).
/// </summary>
internal sealed record ChaosSettings
{
    public int Rounds { get; init; } = 6;

    public int Transactions { get; init; } = 24;

    public int Silos { get; init; } = 3;

    public int Seed { get; init; }

    /// <summary>A kill happens this long (uniformly between the two) after the previous silo is back.</summary>
    public TimeSpan MinKillInterval { get; init; } = TimeSpan.FromSeconds(2.5);

    public TimeSpan MaxKillInterval { get; init; } = TimeSpan.FromSeconds(4.5);

    /// <summary>Every third round, how long the killed silo stays down before it is restarted.</summary>
    public TimeSpan DelayedRestart { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Pause between two messages of one transaction's sender.</summary>
    public TimeSpan StepDelay { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Cycles (normal → recovery → parked → complete, up to 16 message ids each) per transaction before its sender moves on to a fresh
    /// transaction: keeps the ids of one transaction well inside the dedup window (1,000) and its statement small.
    /// </summary>
    public int MaxCyclesPerTransaction { get; init; } = 25;

    /// <summary>How long one call may keep being retried (same message id) before the run fails.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Deadline for the senders to finish their cycle, and again for replay and stream delivery, after the last kill.</summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Stream messages a dead silo took but did not delete come back after this (silo setting).</summary>
    public TimeSpan QueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string? ProgressLog { get; init; }

    /// <summary>Extra environment variables for every silo process (configuration overrides, <c>Section__Key</c>).</summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Give every silo its own Prometheus metrics endpoint on a free loopback port (<see cref="SiloProcess.MetricsPort"/>).</summary>
    public bool SiloMetrics { get; init; }

    public static ChaosSettings FromEnvironment()
    {
        static int Int(string name, int fallback, int min, int max)
        {
            var raw = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(raw))
            {
                return fallback;
            }

            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : throw new InvalidOperationException($"{name} is '{raw}'; it must be an integer between {min} and {max}.");
        }

        return new ChaosSettings
        {
            Rounds = Int("ORLEANSRECOVERY_CHAOS_ROUNDS", 6, 1, 1000),
            Transactions = Int("ORLEANSRECOVERY_CHAOS_TRANSACTIONS", 24, 1, 500),
            Seed = Int("ORLEANSRECOVERY_CHAOS_SEED", Random.Shared.Next(1, 1_000_000), 0, int.MaxValue),
            ProgressLog = Environment.GetEnvironmentVariable("ORLEANSRECOVERY_CHAOS_LOG") is { Length: > 0 } log ? log : null,
        };
    }
}
