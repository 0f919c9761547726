using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// <c>Logging:Format</c> and <c>Observability:Metrics:Prometheus:*</c>: validated like every other setting, and wired by the real
/// host code (<see cref="SiloHost.ConfigureSilo"/>). The scrape endpoint itself is checked on a running silo by the integration
/// test of the same name.
/// </summary>
public sealed class ObservabilityTests
{
    private static SiloObservabilityOptions Metrics(string? environment, params string[] args) =>
        SiloConfigFiles.BuildSilo(environment, args).Services.GetRequiredService<IOptions<SiloObservabilityOptions>>().Value;

    [Fact]
    public void Defaults_SimpleLogs_AndNoEndpoint_LoopbackOn9464WhenEnabled()
    {
        var local = Metrics(null);
        Assert.False(local.Enabled);
        Assert.Equal("127.0.0.1", local.Host);
        Assert.Equal(9464, local.Port);

        var enabled = Metrics(null, "--Observability:Metrics:Prometheus:Enabled=true");
        Assert.True(enabled.Enabled);
        Assert.Equal("http://127.0.0.1:9464/metrics", enabled.Endpoint);

        var compose = Metrics("Compose");
        Assert.True(compose.Enabled);
        Assert.Equal("http://*:9464/metrics", compose.Endpoint);
    }

    [Theory]
    [InlineData("--Logging:Format=Xml", "Logging:Format")]
    [InlineData("--Observability:Metrics:Prometheus:Port=0", "Observability:Metrics:Prometheus:Port is 0")]
    [InlineData("--Observability:Metrics:Prometheus:Port=70000", "Observability:Metrics:Prometheus:Port is 70000")]
    [InlineData("--Observability:Metrics:Prometheus:Port=http", "Observability:Metrics:Prometheus:Port")]
    [InlineData("--Observability:Metrics:Prometheus:Enabled=yes", "Observability:Metrics:Prometheus:Enabled")]
    [InlineData("--Observability:Metrics:Prometheus:Host=bad host/", "Observability:Metrics:Prometheus:Host is 'bad host/'")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        Assert.Contains(SiloConfigFiles.Failures(null, argument), f => f.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void JsonFormat_MakesTheConsoleLoggerWriteOneJsonObjectPerEntry()
    {
        using var host = BuildHost("--Logging:Format=json"); // read case-insensitively
        var options = host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Json, options.FormatterName);

        var line = Format(host, options.FormatterName!);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
        Assert.Equal("OrleansRecovery.Test", json.RootElement.GetProperty("Category").GetString());
        Assert.Equal("transaction tx-1 recovered", json.RootElement.GetProperty("Message").GetString());
        Assert.Equal("tx-1", json.RootElement.GetProperty("State").GetProperty("TransactionId").GetString());
    }

    [Fact]
    public void SimpleFormat_IsTheDefault_OneLinePerEntry()
    {
        using var host = BuildHost();
        var options = host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Simple, options.FormatterName);

        var line = Format(host, options.FormatterName!);
        Assert.Contains("info", line, StringComparison.Ordinal);
        Assert.Contains("OrleansRecovery.Test[7] transaction tx-1 recovered", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.TrimEnd());
    }

    private static IHost BuildHost(params string[] args) => SiloConfigFiles.BuildSilo(null, args);

    /// <summary>Writes one entry through the formatter the console logger uses, as the console would show it.</summary>
    private static string Format(IHost host, string formatterName)
    {
        var formatter = host.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName);
        var state = new Dictionary<string, object?> { ["TransactionId"] = "tx-1", ["{OriginalFormat}"] = "transaction {TransactionId} recovered" };
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(LogLevel.Information, "OrleansRecovery.Test",
            new EventId(7), [.. state], null, (_, _) => "transaction tx-1 recovered");
        using var writer = new StringWriter();
        formatter.Write(entry, new LoggerExternalScopeProvider(), writer);
        return writer.ToString();
    }
}
