using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansRecovery.Hosting;

/// <summary>
/// Validates <see cref="TransactionAzureStorageOptions"/>; every failure names the setting (under
/// <see cref="TransactionAzureStorageOptions.SectionName"/>), its value and what is allowed. <c>UseTransactionRecoveryAzureStorage</c>
/// runs it when it is called, since the options name the providers it registers; the silo host runs it with every other setting.
/// </summary>
/// <param name="section">
/// The configuration section the options came from, named in every failure: <see cref="TransactionAzureStorageOptions.SectionName"/>
/// by default, or a provider's own section (e.g. <c>Orleans:Streaming:TransactionStreams</c>) when Orleans configured it.
/// </param>
public sealed partial class TransactionAzureStorageOptionsValidator(string section = TransactionAzureStorageOptions.SectionName)
    : IValidateOptions<TransactionAzureStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TransactionAzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = section;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StorageProviderName))
        {
            failures.Add($"{s}:StorageProviderName is empty; name the grain storage for transaction records.");
        }

        if (string.IsNullOrWhiteSpace(options.StreamProviderName))
        {
            failures.Add($"{s}:StreamProviderName is empty; name the stream provider.");
        }

        if (options.TableName is null || !TableName().IsMatch(options.TableName))
        {
            failures.Add($"{s}:TableName is '{options.TableName}'; an Azure table name is 3-63 letters and digits, starting with a letter.");
        }

        if (options.QueueCount is < 1 or > 64)
        {
            failures.Add($"{s}:QueueCount is {options.QueueCount}; it must be between 1 and 64.");
        }

        var longest = $"{options.QueuePrefix}-{Math.Max(options.QueueCount - 1, 0)}";
        if (options.QueuePrefix is null || !QueuePrefix().IsMatch(options.QueuePrefix) || longest.Length > 63)
        {
            failures.Add($"{s}:QueuePrefix is '{options.QueuePrefix}'; queue names '{{prefix}}-{{n}}' must be 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit.");
        }

        if (options.QueuePollPeriod < TimeSpan.FromMilliseconds(10) || options.QueuePollPeriod > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:QueuePollPeriod is {options.QueuePollPeriod}; it must be between 00:00:00.010 and 00:01:00.");
        }

        if (options.QueueCacheSize is < 16 or > 100_000)
        {
            failures.Add($"{s}:QueueCacheSize is {options.QueueCacheSize}; it must be between 16 and 100000.");
        }

        if (options.BatchContainerBatchSize is < 1 or > 32)
        {
            failures.Add($"{s}:BatchContainerBatchSize is {options.BatchContainerBatchSize}; it must be between 1 and 32 (Azure Queue receives at most 32 messages at once).");
        }

        if (options.MessageVisibilityTimeout < TimeSpan.FromSeconds(1) || options.MessageVisibilityTimeout > TimeSpan.FromDays(7))
        {
            failures.Add($"{s}:MessageVisibilityTimeout is {options.MessageVisibilityTimeout}; it must be between 00:00:01 and 7.00:00:00.");
        }

        if (options.Batching is null)
        {
            failures.Add($"{s}:Batching is null; leave it out to keep the default layout.");
        }
        else if (options.Batching.Enabled)
        {
            var batching = new TransactionTableBatchingOptionsValidator(s + ":Batching").Validate(name, options.Batching);
            if (batching.Failed)
            {
                failures.AddRange(batching.Failures ?? [batching.FailureMessage]);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z0-9]$")]
    private static partial Regex QueuePrefix();
}
