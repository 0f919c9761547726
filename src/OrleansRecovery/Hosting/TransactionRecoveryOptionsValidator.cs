using Microsoft.Extensions.Options;

namespace OrleansRecovery.Hosting;

/// <summary>Validates <see cref="TransactionRecoveryOptions"/>; every failure names the setting, its value and the allowed range.</summary>
public sealed class TransactionRecoveryOptionsValidator : IValidateOptions<TransactionRecoveryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TransactionRecoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Range(string setting, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{TransactionRecoveryOptions.SectionName}:{setting} is {value}; it must be between {min} and {max}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.StorageProviderName))
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:StorageProviderName is empty; name the grain storage provider for transactions.");
        }

        if (options.AnnounceRecoveries && string.IsNullOrWhiteSpace(options.StreamProviderName))
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:StreamProviderName is empty but AnnounceRecoveries is true.");
        }

        Range(nameof(options.DedupWindow), options.DedupWindow, 1, 100_000);
        Range(nameof(options.MaxMessageIdLength), options.MaxMessageIdLength, 1, 512);
        Range(nameof(options.MaxTypeLength), options.MaxTypeLength, 1, 512);
        Range(nameof(options.MaxPayloadBytes), options.MaxPayloadBytes, 0, 4 * 1024 * 1024);
        Range(nameof(options.MaxBatchSize), options.MaxBatchSize, 1, 10_000);
        Range(nameof(options.MaxPendingEntries), options.MaxPendingEntries, 1, 10_000_000);
        Range(nameof(options.MaxPendingBytes), options.MaxPendingBytes, 1024, 16L * 1024 * 1024 * 1024);
        Range(nameof(options.SegmentMaxEntries), options.SegmentMaxEntries, 1, 4_096);
        Range(nameof(options.SegmentMaxBytes), options.SegmentMaxBytes, 1024, 786_432);
        Range(nameof(options.GroupCommitMaxMessages), options.GroupCommitMaxMessages, 1, 100_000);
        Range(nameof(options.PoisonMaxAttempts), options.PoisonMaxAttempts, 1, 100);
        Range(nameof(options.ReplayBatchSize), options.ReplayBatchSize, 1, 10_000);
        Range(nameof(options.RejectionHistory), options.RejectionHistory, 0, 1_000);
        Range(nameof(options.TimelineCapacity), options.TimelineCapacity, 0, 256);
        if (options.MaxPayloadBytes + 1_024 > options.SegmentMaxBytes)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:MaxPayloadBytes ({options.MaxPayloadBytes}) must leave room for one message " +
                $"in a segment: raise SegmentMaxBytes ({options.SegmentMaxBytes}) above MaxPayloadBytes + 1024.");
        }

        if (options.StuckAfter <= TimeSpan.Zero)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:StuckAfter is {options.StuckAfter}; it must be positive.");
        }

        Range(nameof(options.RegistryShards), options.RegistryShards, 1, 4_096);
        if (options.RegistryReportInterval < TimeSpan.Zero)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:RegistryReportInterval is {options.RegistryReportInterval}; it must not be negative.");
        }

        if (options.ReplayStepInterval < TimeSpan.FromMilliseconds(1) || options.ReplayStepInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:ReplayStepInterval is {options.ReplayStepInterval}; it must be between 1 ms and 1 minute.");
        }

        if (options.PoisonRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:PoisonRetryDelay is {options.PoisonRetryDelay}; it must be positive.");
        }

        if (options.ReplayRetryBaseDelay <= TimeSpan.Zero || options.ReplayRetryMaxDelay < options.ReplayRetryBaseDelay)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:ReplayRetryBaseDelay ({options.ReplayRetryBaseDelay}) must be positive and " +
                $"not above ReplayRetryMaxDelay ({options.ReplayRetryMaxDelay}).");
        }

        if (options.ScopeRefreshInterval < TimeSpan.FromMilliseconds(10) || options.ScopeLease < 2 * options.ScopeRefreshInterval)
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:ScopeRefreshInterval ({options.ScopeRefreshInterval}) must be at least " +
                $"10 ms, and ScopeLease ({options.ScopeLease}) at least twice ScopeRefreshInterval.");
        }

        Range(nameof(options.CampaignConcurrency), options.CampaignConcurrency, 1, 5_000);

        if (options.RegistryReconcileInterval < TimeSpan.FromMilliseconds(100) || options.RegistryReconcileInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:RegistryReconcileInterval is {options.RegistryReconcileInterval}; it must be between 100 ms and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
