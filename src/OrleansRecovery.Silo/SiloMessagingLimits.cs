using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Silo;

/// <summary>
/// Orleans' message size limits (<c>Orleans:Messaging:MaxMessageBodySize</c> and <c>MaxMessageHeaderSize</c>, bound onto
/// <see cref="SiloMessagingOptions"/>), lowered in silo-config from Orleans' defaults (100 MB body, 10 MB header) to what the
/// product needs. The body must still fit the largest legal batch (<c>OrleansRecovery:MaxBatchSize</c> messages of
/// <c>OrleansRecovery:MaxPayloadBytes</c> each, with ids at their limits) and the largest transaction data a grain can return
/// (the Azure Table provider stores at most 983,040 bytes per record).
/// </summary>
public static class SiloMessagingLimits
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orleans:Messaging";

    /// <summary>The smallest header limit accepted.</summary>
    public const int MinHeaderSize = 16 * 1024;

    /// <summary>The largest limit accepted for either: Orleans' own body default (the point is to lower it).</summary>
    public const int MaxLimit = 100 * 1024 * 1024;

    /// <summary>The largest transaction data (header record) the Azure Table provider stores, plus room for the response envelope.</summary>
    public const int LargestResponse = 983_040 + (64 * 1024);

    /// <summary>
    /// The largest message body a legal submission can produce with <paramref name="engine"/>'s limits: a full batch of messages
    /// at the payload, id, type, transaction-id and recovery-id limits (3 UTF-8 bytes per character), plus framing.
    /// </summary>
    public static long RequiredBodySize(TransactionRecoveryOptions engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        const int transactionIdChars = 256; // TransactionClientValidation.MaxTransactionIdLength
        const int recoveryIdChars = 128;     // MessageValidator's RecoveryId limit
        const int perMessageFraming = 64;
        long perMessage = (long)engine.MaxPayloadBytes
            + (3L * (engine.MaxMessageIdLength + engine.MaxTypeLength + transactionIdChars + recoveryIdChars))
            + perMessageFraming;
        return Math.Max((long)engine.MaxBatchSize * perMessage + (64 * 1024), LargestResponse);
    }
}

/// <summary>
/// Checks the silo's <see cref="SiloMessagingOptions"/> when the host starts, whatever set them, so that a limit too small for the
/// product's own messages stops the silo with the setting named instead of closing connections later.
/// </summary>
internal sealed class SiloMessagingLimitsValidator(IOptions<TransactionRecoveryOptions> engine) : IValidateOptions<SiloMessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloMessagingOptions options)
    {
        const string S = SiloMessagingLimits.SectionName;
        var failures = new List<string>();
        if (options.MaxMessageHeaderSize is < SiloMessagingLimits.MinHeaderSize or > SiloMessagingLimits.MaxLimit)
        {
            failures.Add($"{S}:MaxMessageHeaderSize is {options.MaxMessageHeaderSize}; it must be between {SiloMessagingLimits.MinHeaderSize} and {SiloMessagingLimits.MaxLimit} bytes.");
        }

        var required = SiloMessagingLimits.RequiredBodySize(engine.Value);
        if (options.MaxMessageBodySize is < 1 or > SiloMessagingLimits.MaxLimit)
        {
            failures.Add($"{S}:MaxMessageBodySize is {options.MaxMessageBodySize}; it must be between {SiloMessagingLimits.LargestResponse} and {SiloMessagingLimits.MaxLimit} bytes.");
        }
        else if (options.MaxMessageBodySize < required)
        {
            failures.Add($"{S}:MaxMessageBodySize is {options.MaxMessageBodySize}; with {TransactionRecoveryOptions.SectionName}:MaxBatchSize {engine.Value.MaxBatchSize} " +
                $"and {TransactionRecoveryOptions.SectionName}:MaxPayloadBytes {engine.Value.MaxPayloadBytes} a legal batch needs up to {required} bytes; raise it or lower those limits.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
