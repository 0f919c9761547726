using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansRecovery.Diagnostics;

namespace OrleansRecovery.Silo;

/// <summary>How the silo writes its console logs (<c>Logging:Format</c>).</summary>
public enum SiloLogFormat
{
    /// <summary>One human-readable line per entry.</summary>
    Simple = 0,

    /// <summary>One JSON object per entry, for log collectors.</summary>
    Json = 1,
}

/// <summary>
/// The Prometheus scrape endpoint (<c>Observability:Metrics:Prometheus</c>): the <c>OrleansRecovery</c> and <c>Microsoft.Orleans</c>
/// meters exported through OpenTelemetry, served by an <see cref="System.Net.HttpListener"/> (the silo may have no web host). Off
/// by default, on loopback unless <see cref="Host"/> says otherwise. The console log format is <c>Logging:Format</c>.
/// </summary>
public sealed class SiloObservabilityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Observability:Metrics:Prometheus";

    /// <summary>The key choosing the console log format.</summary>
    public const string LogFormatKey = "Logging:Format";

    /// <summary>Serve the scrape endpoint. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address it listens on; <c>*</c> or <c>+</c> is every interface. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port. Default 9464 (registered for the OpenTelemetry Prometheus exporter).</summary>
    public int Port { get; set; } = 9464;

    /// <summary>The scrape endpoint's address, e.g. <c>http://127.0.0.1:9464/metrics</c>.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture,
        $"http://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}/metrics");

    /// <summary>
    /// Sets the console formatter named by <c>Logging:Format</c> and, when <paramref name="options"/> enable it, the metrics endpoint.
    /// </summary>
    internal static void ApplyTo(IHostApplicationBuilder builder, SiloObservabilityOptions options, SiloLogFormat format)
    {
        // The console logger comes with the host's defaults; this picks its formatter, over Logging:Console:FormatterName.
        builder.Services.Configure<ConsoleLoggerOptions>(o =>
            o.FormatterName = format == SiloLogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => (o.TimestampFormat, o.UseUtcTimestamp) = ("yyyy-MM-ddTHH:mm:ss.fffZ", true));
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss.fff "));
        if (options.Enabled)
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("OrleansRecovery.Silo"))
                .WithMetrics(metrics => metrics.AddMeter(RecoveryInstruments.MeterName, "Microsoft.Orleans").AddPrometheusHttpListener(o =>
                {
                    o.Port = options.Port;
                    o.ScrapeEndpointPath = "/metrics";

                    // Bind exactly the configured address (brackets for IPv6, * or + for every interface).
                    o.ConfigureHttpListener = (_, listener) =>
                    {
                        listener.Prefixes.Clear();
                        listener.Prefixes.Add(options.Endpoint + "/");
                    };
                }));
        }
    }
}

/// <summary>Checks <see cref="SiloObservabilityOptions"/> at start; every failure names its key.</summary>
internal sealed class SiloObservabilityOptionsValidator : IValidateOptions<SiloObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloObservabilityOptions options)
    {
        const string S = SiloObservabilityOptions.SectionName;
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{S}:Port is {options.Port}; it must be a port number between 1 and 65535.");
        }

        if (options.Host is not ("*" or "+") && Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"{S}:Host is '{options.Host}'; it must be an IP address or host name (default 127.0.0.1), or * or + to listen on every interface.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
