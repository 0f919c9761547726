using System.CommandLine.Parsing;
using System.Globalization;

namespace OrleansRecovery.Cli.Input;

/// <summary>Parses durations as operators write them: <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, or <c>00:00:01</c>.</summary>
internal static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; null when it is not a positive duration.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        (string Suffix, double Milliseconds)[] units = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > 0 && value * milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(value * milliseconds);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }

    /// <summary>A System.CommandLine parser for a duration option, reporting a bad value as a parse error that names it.</summary>
    public static TimeSpan Parse(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (TryParse(text) is { } duration)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration; write e.g. 500ms, 1s, 2m or 00:00:10.");
        return default;
    }
}
