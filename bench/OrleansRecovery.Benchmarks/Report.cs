using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansRecovery.Benchmarks;

/// <summary>The results: the flat JSON keys of issue 5, table rows, notes and failures.</summary>
public sealed class Report
{
    /// <summary>
    /// A quick run: its sizes are too small for the targets to mean anything (a few seconds of warm-up, hundreds of messages),
    /// so targets are shown but not judged.
    /// </summary>
    public bool Quick { get; init; }

    /// <summary>
    /// Every JSON key, in the order of issue 5 (plus <c>many.control_ratio</c>), then the outage keys of issue 10, then the fleet
    /// keys of issue 13. Nothing else is written.
    /// </summary>
    public static readonly string[] Keys =
    [
        "many.ours_msgs_per_s", "many.naive_msgs_per_s", "many.ratio", "many.control_ratio", "many.writes_per_msg",
        "many.batching_msgs_per_s", "many.batching_ratio", "many.batching_requests_per_msg", "many.ours_record_bytes", "many.naive_record_bytes",
        "hot.ours_msgs_per_s", "hot.naive_msgs_per_s", "hot.ratio", "hot.writes_per_msg",
        "append.us_at_100", "append.us_at_1000", "append.us_at_10000", "append.us_at_50000", "append.ratio", "append.naive_failed_at",
        "append.page_ms", "append.page_depth_ratio",
        "replay.ours_s", "replay.naive_s", "replay.ratio",
        "stream.p50_ms", "stream.p95_ms", "stream.events_per_s", "stream.raw_ops_per_s", "stream.ratio",
        "stream.plain_p50_ms", "stream.p50_ratio",
        "stream.contended_events_per_s", "stream.contended_raw_ops_per_s", "stream.contended_ratio", "stream.contended_redelivered",
        "stream.contended_unconsumed", "stream.contended_azurite_peak_mb",
        "outage.enter_per_s", "outage.enter_ratio", "outage.raw_at_size_per_s", "outage.table_records", "outage.park_per_s", "outage.park_ratio", "outage.complete_per_s", "outage.total_s",
        "outage.writes_per_enter", "outage.registry_writes", "outage.registry_bytes_per_change", "outage.switch_ms", "outage.open_ms",
        "outage.calls_enter_per_s", "outage.calls_enter_p99_ms", "outage.calls_complete_per_s", "outage.calls_complete_p99_ms",
        "fleet.ratio", "fleet.requests_per_msg", "fleet.p99_ratio", "fleet.default_ratio",
        "fleet.batching_msgs_per_s", "fleet.default_msgs_per_s", "fleet.naive_msgs_per_s", "fleet.default_requests_per_msg",
        "fleet.p50_ms", "fleet.p99_ms", "fleet.naive_p99_ms", "raw.batch_entities_per_s",
        "idle.rss_bytes_per_tx", "idle.heap_bytes_per_tx", "idle.rss_after_collection_mb", "idle.heap_after_collection_mb",
        "idle.remaining_activations",
        "rss.peak_mb",
    ];

    private readonly Dictionary<string, double?> _values = Keys.ToDictionary(k => k, _ => (double?)null, StringComparer.Ordinal);
    private readonly List<(string Scenario, string Metric, string Ours, string Other, string Ratio, string Target)> _rows = [];

    /// <summary>Free-text observations printed under the table.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Scenarios that failed, with the reason.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Targets of issue 5 that were missed.</summary>
    public List<string> Missed { get; } = [];

    /// <summary>Sets one JSON value.</summary>
    /// <exception cref="ArgumentException">Not a key of issue 5.</exception>
    public void Set(string key, double? value)
    {
        if (!_values.ContainsKey(key))
        {
            throw new ArgumentException($"'{key}' is not a benchmark key.", nameof(key));
        }

        _values[key] = value is { } v && (double.IsNaN(v) || double.IsInfinity(v)) ? null : value;
    }

    /// <summary>Reads one JSON value.</summary>
    public double? Get(string key) => _values[key];

    /// <summary>Adds a table row.</summary>
    public void Row(string scenario, string metric, string ours, string other = "", string ratio = "", string target = "") =>
        _rows.Add((scenario, metric, ours, other, ratio, target));

    /// <summary>Checks a target and records a miss.</summary>
    public string Target(string key, double? value, double bound, bool atLeast)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{(atLeast ? ">=" : "<=")} {bound:0.##}");
        if (value is not { } v)
        {
            return text + " (n/a)";
        }

        if (Quick)
        {
            return text + "  (quick: not judged)";
        }

        var met = atLeast ? v >= bound : v <= bound;
        if (!met)
        {
            Missed.Add(string.Create(CultureInfo.InvariantCulture, $"{key} = {v:0.###} (target {text})"));
        }

        return text + (met ? "  ok" : "  MISSED");
    }

    /// <summary>The table, the notes and the failures, as printed.</summary>
    public string Render(string header)
    {
        var sb = new StringBuilder();
        sb.AppendLine(header);
        string[] titles = ["scenario", "metric", "ours", "naive / raw / plain", "ratio", "target"];
        var widths = titles.Select(t => t.Length).ToArray();
        foreach (var r in _rows)
        {
            string[] cells = [r.Scenario, r.Metric, r.Ours, r.Other, r.Ratio, r.Target];
            for (var i = 0; i < cells.Length; i++)
            {
                widths[i] = Math.Max(widths[i], cells[i].Length);
            }
        }

        void Line(string[] cells) =>
            sb.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Line(titles);
        sb.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var r in _rows)
        {
            Line([r.Scenario, r.Metric, r.Ours, r.Other, r.Ratio, r.Target]);
        }

        if (Notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var note in Notes)
            {
                sb.AppendLine("- " + note);
            }
        }

        if (Missed.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Targets missed: " + string.Join("; ", Missed));
        }

        if (Failures.Count > 0)
        {
            sb.AppendLine();
            foreach (var failure in Failures)
            {
                sb.AppendLine("FAILED: " + failure);
            }
        }

        return sb.ToString();
    }

    /// <summary>One flat JSON object with exactly <see cref="Keys"/>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var key in Keys)
            {
                if (_values[key] is { } v)
                {
                    writer.WriteNumber(key, Math.Round(v, 3));
                }
                else
                {
                    writer.WriteNull(key);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Formats a number for the table.</summary>
    public static string F(double? value, string format = "N0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
