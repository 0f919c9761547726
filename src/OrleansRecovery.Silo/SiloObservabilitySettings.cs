using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansRecovery.Diagnostics;

namespace OrleansRecovery.Silo;

/// <summary>How the silo writes its console logs (<c>Logging:Format</c>).</summary>
public enum SiloLogFormat
{
    /// <summary>One human-readable line per entry (<c>AddSimpleConsole</c>).</summary>
    Simple = 0,

    /// <summary>One JSON object per entry, for log collectors (<c>AddJsonConsole</c>).</summary>
    Json = 1,
}

/// <summary>
/// Logs and metrics export, read and checked by <see cref="SiloHostBuilder.Validate"/>: <c>Logging:Format</c> (<c>Simple</c> or
/// <c>Json</c> console logs) and <c>Observability:Metrics:Prometheus</c> (the <c>OrleansRecovery</c> and <c>Microsoft.Orleans</c>
/// meters exported through OpenTelemetry on a Prometheus scrape endpoint served by an <see cref="System.Net.HttpListener"/>; the
/// silo has no web host). The endpoint is off by default and listens on loopback unless <c>Host</c> says otherwise.
/// </summary>
public sealed class SiloObservabilitySettings
{
    /// <summary>The key choosing the console log format.</summary>
    public const string LogFormatKey = "Logging:Format";

    /// <summary>The section of the Prometheus endpoint.</summary>
    public const string PrometheusSection = "Observability:Metrics:Prometheus";

    /// <summary>The Prometheus endpoint's default port (the port registered for the OpenTelemetry Prometheus exporter).</summary>
    public const int DefaultPrometheusPort = 9464;

    /// <summary>The Prometheus endpoint's default host: loopback only.</summary>
    public const string DefaultPrometheusHost = "127.0.0.1";

    /// <summary>The path the endpoint serves.</summary>
    public const string PrometheusPath = "metrics";

    /// <summary>The OpenTelemetry <c>service.name</c> of the silo (the <c>target_info</c> metric).</summary>
    public const string ServiceName = "OrleansRecovery.Silo";

    /// <summary>Orleans' own meter.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary><c>Logging:Format</c>: <c>Simple</c> (default) or <c>Json</c>.</summary>
    public SiloLogFormat LogFormat { get; init; } = SiloLogFormat.Simple;

    /// <summary><c>Observability:Metrics:Prometheus:Enabled</c>: serve the scrape endpoint (default false).</summary>
    public bool PrometheusEnabled { get; init; }

    /// <summary>
    /// <c>Observability:Metrics:Prometheus:Host</c>: the address or host name the endpoint listens on (default <c>127.0.0.1</c>);
    /// <c>*</c> or <c>+</c> listens on every interface (containers).
    /// </summary>
    public string PrometheusHost { get; init; } = DefaultPrometheusHost;

    /// <summary><c>Observability:Metrics:Prometheus:Port</c>: default 9464.</summary>
    public int PrometheusPort { get; init; } = DefaultPrometheusPort;

    /// <summary>The scrape endpoint's address, e.g. <c>http://127.0.0.1:9464/metrics</c>.</summary>
    public string PrometheusEndpoint => $"{PrometheusPrefix}{PrometheusPath}";

    private string PrometheusPrefix => string.Create(CultureInfo.InvariantCulture,
        $"http://{(PrometheusHost.Contains(':', StringComparison.Ordinal) ? "[" + PrometheusHost + "]" : PrometheusHost)}:{PrometheusPort}/");

    /// <summary>Reads and checks <c>Logging:Format</c> and <c>Observability:Metrics:Prometheus</c>, adding one failure per bad setting.</summary>
    /// <param name="configuration">The whole configuration.</param>
    /// <param name="failures">Where problems are added; each names its setting.</param>
    public static SiloObservabilitySettings Load(IConfiguration configuration, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);

        var formatRaw = configuration[LogFormatKey];
        var format = SiloLogFormat.Simple;
        if (!string.IsNullOrWhiteSpace(formatRaw)
            && (int.TryParse(formatRaw, out _) || !Enum.TryParse(formatRaw.Trim(), ignoreCase: true, out format)))
        {
            failures.Add($"{LogFormatKey} is '{formatRaw}'; it must be Simple or Json.");
        }

        var prometheus = new SettingReader(configuration, PrometheusSection, failures);
        var enabled = prometheus.Boolean("Enabled", fallback: false);
        var port = prometheus.Port("Port", DefaultPrometheusPort);
        var host = prometheus.ListenHost("Host", DefaultPrometheusHost, "*", "+");

        return new SiloObservabilitySettings { LogFormat = format, PrometheusEnabled = enabled, PrometheusHost = host, PrometheusPort = port };
    }

    /// <summary>
    /// Sets the console logger's formatter (<c>simple</c> or <c>json</c>) and, when enabled, adds the OpenTelemetry metrics with the
    /// Prometheus endpoint.
    /// </summary>
    public void ApplyTo(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The console logger itself comes with the host's defaults (Host.CreateApplicationBuilder); this picks its formatter,
        // after (and so over) Logging:Console:FormatterName.
        builder.Services.Configure<ConsoleLoggerOptions>(o =>
            o.FormatterName = LogFormat == SiloLogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        if (PrometheusEnabled)
        {
            var prefix = PrometheusPrefix;
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(ServiceName))
                .WithMetrics(metrics => metrics
                .AddMeter(RecoveryInstruments.MeterName, OrleansMeterName)
                .AddPrometheusHttpListener(o =>
                {
                    o.Port = PrometheusPort;
                    o.ScrapeEndpointPath = "/" + PrometheusPath;

                    // Bind exactly the configured address (brackets for IPv6, * or + for every interface).
                    o.ConfigureHttpListener = (_, listener) =>
                    {
                        listener.Prefixes.Clear();
                        listener.Prefixes.Add(prefix + PrometheusPath + "/");
                    };
                }));
        }
    }
}
