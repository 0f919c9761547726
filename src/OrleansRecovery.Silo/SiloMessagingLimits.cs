using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Silo;

/// <summary>
/// Orleans' message size limits (<c>Orleans:Messaging:MaxMessageBodySize</c> and <c>Orleans:Messaging:MaxMessageHeaderSize</c>),
/// lowered from Orleans' defaults (100 MB body, 10 MB header) to what the product needs. A peer that sends a larger message has its
/// connection closed; a caller whose request or response is larger gets an error. The body must still fit the largest legal batch
/// (<c>OrleansRecovery:MaxBatchSize</c> messages of <c>OrleansRecovery:MaxPayloadBytes</c> each, with ids at their limits) and the
/// largest transaction data a grain can return (the Azure Table provider stores at most 983,040 bytes per record).
/// </summary>
public sealed class SiloMessagingLimits
{
    /// <summary>The configuration section (Orleans binds it to <see cref="SiloMessagingOptions"/> itself, too).</summary>
    public const string Section = "Orleans:Messaging";

    /// <summary>The smallest header limit accepted.</summary>
    public const int MinHeaderSize = 16 * 1024;

    /// <summary>The largest limit accepted for either: Orleans' own body default (the point is to lower it).</summary>
    public const int MaxLimit = 100 * 1024 * 1024;

    /// <summary>The largest transaction data (header record) the Azure Table provider stores, plus room for the response envelope.</summary>
    public const int LargestResponse = 983_040 + (64 * 1024);

    /// <summary>The product's default header limit: 1 MiB.</summary>
    public const int DefaultHeaderSize = 1024 * 1024;

    /// <summary>The product's default body limit: 40 MiB (the default engine limits need about 32.3 MiB for the largest batch).</summary>
    public const int DefaultBodySize = 40 * 1024 * 1024;

    /// <summary><c>Orleans:Messaging:MaxMessageBodySize</c> in bytes.</summary>
    public int MaxMessageBodySize { get; init; } = DefaultBodySize;

    /// <summary><c>Orleans:Messaging:MaxMessageHeaderSize</c> in bytes.</summary>
    public int MaxMessageHeaderSize { get; init; } = DefaultHeaderSize;

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

    /// <summary>Reads and checks the limits; adds one failure per bad setting, each naming it.</summary>
    public static SiloMessagingLimits Load(IConfiguration configuration, TransactionRecoveryOptions? engine, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var section = configuration.GetSection(Section);
        var header = Read(section, nameof(MaxMessageHeaderSize), DefaultHeaderSize, failures);
        var body = Read(section, nameof(MaxMessageBodySize), DefaultBodySize, failures);
        var limits = new SiloMessagingLimits { MaxMessageBodySize = body ?? DefaultBodySize, MaxMessageHeaderSize = header ?? DefaultHeaderSize };
        if (header is not null || body is not null)
        {
            failures.AddRange(limits.Check(engine, checkHeader: header is not null, checkBody: body is not null));
        }

        return limits;
    }

    /// <summary>The problems of these limits, each naming its setting (empty when they are fine).</summary>
    public IReadOnlyList<string> Check(TransactionRecoveryOptions? engine, bool checkHeader = true, bool checkBody = true)
    {
        var failures = new List<string>();
        if (checkHeader && MaxMessageHeaderSize is < MinHeaderSize or > MaxLimit)
        {
            failures.Add($"{Section}:{nameof(MaxMessageHeaderSize)} is {MaxMessageHeaderSize}; it must be between {MinHeaderSize} and {MaxLimit} bytes (default {DefaultHeaderSize}).");
        }

        if (checkBody)
        {
            if (MaxMessageBodySize is < 1 or > MaxLimit)
            {
                failures.Add($"{Section}:{nameof(MaxMessageBodySize)} is {MaxMessageBodySize}; it must be between {LargestResponse} and {MaxLimit} bytes (default {DefaultBodySize}).");
            }
            else
            {
                var required = engine is null ? LargestResponse : RequiredBodySize(engine);
                if (MaxMessageBodySize < required)
                {
                    failures.Add(engine is null
                        ? $"{Section}:{nameof(MaxMessageBodySize)} is {MaxMessageBodySize}; it must be at least {required} bytes (the largest transaction data a grain returns)."
                        : $"{Section}:{nameof(MaxMessageBodySize)} is {MaxMessageBodySize}; with {TransactionRecoveryOptions.SectionName}:MaxBatchSize {engine.MaxBatchSize} " +
                          $"and {TransactionRecoveryOptions.SectionName}:MaxPayloadBytes {engine.MaxPayloadBytes} a legal batch needs up to {required} bytes; raise it or lower those limits.");
                }
            }
        }

        return failures;
    }

    /// <summary>Copies the limits onto Orleans' messaging options (silo or client).</summary>
    public void ApplyTo(MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxMessageBodySize = MaxMessageBodySize;
        options.MaxMessageHeaderSize = MaxMessageHeaderSize;
    }

    private static int? Read(IConfigurationSection section, string key, int fallback, List<string> failures)
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            failures.Add($"{Section}:{key} is '{raw}'; it must be a whole number of bytes between {(key == nameof(MaxMessageHeaderSize) ? MinHeaderSize : LargestResponse)} and {MaxLimit}.");
            return null;
        }

        return value;
    }
}

/// <summary>
/// Checks the silo's <see cref="SiloMessagingOptions"/> when the host starts, whatever set them (configuration or code), so that a
/// limit too small for the product's own messages stops the silo with the setting named instead of closing connections later.
/// </summary>
internal sealed class SiloMessagingLimitsValidator(IOptions<TransactionRecoveryOptions> engine) : IValidateOptions<SiloMessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloMessagingOptions options)
    {
        var limits = new SiloMessagingLimits { MaxMessageBodySize = options.MaxMessageBodySize, MaxMessageHeaderSize = options.MaxMessageHeaderSize };
        var failures = limits.Check(engine.Value);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
