using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansRecovery.Hosting;

/// <summary>
/// Validates <see cref="TransactionTableBatchingOptions"/>; every failure names the setting under the section the options came
/// from, its value and what is allowed.
/// </summary>
internal sealed partial class TransactionTableBatchingOptionsValidator(string section = TransactionTableBatchingOptions.SectionName)
    : IValidateOptions<TransactionTableBatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, TransactionTableBatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = section;
        var failures = new List<string>();
        if (options.TableName is null || !TableName().IsMatch(options.TableName))
        {
            failures.Add($"{s}:TableName is '{options.TableName}'; an Azure table name is 3-63 letters and digits, starting with a letter.");
        }

        if (options.BucketCount is < 1 or > 100_000)
        {
            failures.Add($"{s}:BucketCount is {options.BucketCount}; it must be between 1 and 100000.");
        }

        if (options.MaxBatchOperations is < 1 or > TransactionTableBatchingOptions.MaxOperationsAllowed)
        {
            failures.Add($"{s}:MaxBatchOperations is {options.MaxBatchOperations}; it must be between 1 and 100 (Azure's limit per entity group transaction).");
        }

        if (options.MaxBatchBytes is < 1_400_000 or > TransactionTableBatchingOptions.MaxBytesAllowed)
        {
            failures.Add($"{s}:MaxBatchBytes is {options.MaxBatchBytes}; it must be between 1400000 (one largest record, as base64) and 4194304 (Azure's 4 MiB per entity group transaction).");
        }

        if (options.MaxBatchDelay < TimeSpan.Zero || options.MaxBatchDelay > TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{s}:MaxBatchDelay is {options.MaxBatchDelay}; it must be between 00:00:00 and 00:00:00.100 (every write waits it).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
