using System.Globalization;
using Spectre.Console;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>How recoveryctl writes times, ages, amounts and modes (invariant culture, UTC).</summary>
internal static class Formats
{
    /// <summary>A UTC timestamp, to the second.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>An age as people read it: <c>850 ms</c>, <c>12.3 s</c>, <c>4m 05s</c>, <c>2h 03m</c>, <c>3d 04h</c>.</summary>
    public static string Age(TimeSpan? age)
    {
        if (age is not { } a)
        {
            return "-";
        }

        if (a < TimeSpan.Zero)
        {
            a = TimeSpan.Zero;
        }

        return a.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{a.TotalMilliseconds:0} ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{a.TotalSeconds:0.0} s"),
            < 3_600 => string.Create(CultureInfo.InvariantCulture, $"{(int)a.TotalMinutes}m {a.Seconds:00}s"),
            < 86_400 => string.Create(CultureInfo.InvariantCulture, $"{(int)a.TotalHours}h {a.Minutes:00}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)a.TotalDays}d {a.Hours:00}h"),
        };
    }

    /// <summary>The age of something that started at <paramref name="since"/>.</summary>
    public static string AgeSince(DateTimeOffset? since) => since is { } s ? Age(DateTimeOffset.UtcNow - s) : "-";

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>An amount in minor units (cents) as a signed decimal with two places, like the demo prints it.</summary>
    public static string Money(long cents) =>
        (cents < 0 ? "-" : "+") + (Math.Abs((decimal)cents) / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);

    /// <summary>A mode as coloured markup (the colour is dropped on plain output).</summary>
    public static string ModeMarkup(TransactionMode mode, bool stuck = false) => (mode, stuck) switch
    {
        (TransactionMode.Normal, _) => "[green]Normal[/]",
        (TransactionMode.Recovering, true) => "[red]Recovering (stuck)[/]",
        (TransactionMode.Recovering, false) => "[yellow]Recovering[/]",
        (TransactionMode.Faulted, _) => "[red]Faulted[/]",
        _ => Markup.Escape(mode.ToString()),
    };

    /// <summary>User text made safe for Spectre markup; <c>-</c> when empty.</summary>
    public static string Text(string? text) => string.IsNullOrEmpty(text) ? "-" : Markup.Escape(text);

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Truncate(string? text, int max) =>
        text is null ? "" : text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
