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
/// host code (<see cref="SiloHostBuilder.Configure"/>). The scrape endpoint itself is checked on a running silo by the integration
/// test of the same name.
/// </summary>
public sealed class ObservabilityTests
{
    private static SiloSettings Validate(string profile, params string[] args)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, profile, args, includeEnvironment: false);
        return SiloHostBuilder.Validate(configuration, profile, SiloConfigFiles.ConfigDirectory);
    }

    [Fact]
    public void Defaults_SimpleLogs_AndNoEndpoint_LoopbackOn9464WhenEnabled()
    {
        var local = Validate("local").Observability;
        Assert.Equal(SiloLogFormat.Simple, local.LogFormat);
        Assert.False(local.PrometheusEnabled);
        Assert.Equal("127.0.0.1", local.PrometheusHost);
        Assert.Equal(9464, local.PrometheusPort);

        var enabled = Validate("local", "--Observability:Metrics:Prometheus:Enabled=true").Observability;
        Assert.True(enabled.PrometheusEnabled);
        Assert.Equal("http://127.0.0.1:9464/metrics", enabled.PrometheusEndpoint);

        var compose = Validate("compose").Observability;
        Assert.True(compose.PrometheusEnabled);
        Assert.Equal("http://*:9464/metrics", compose.PrometheusEndpoint);
    }

    [Theory]
    [InlineData("--Logging:Format=json", SiloLogFormat.Json)]
    [InlineData("--Logging:Format=Json", SiloLogFormat.Json)]
    [InlineData("--Logging:Format=simple", SiloLogFormat.Simple)]
    public void LogFormat_IsReadCaseInsensitively(string argument, SiloLogFormat expected) =>
        Assert.Equal(expected, Validate("local", argument).Observability.LogFormat);

    [Theory]
    [InlineData("--Logging:Format=Xml", "Logging:Format")]
    [InlineData("--Logging:Format=1", "Logging:Format")]
    [InlineData("--Observability:Metrics:Prometheus:Port=0", "Observability:Metrics:Prometheus:Port")]
    [InlineData("--Observability:Metrics:Prometheus:Port=70000", "Observability:Metrics:Prometheus:Port")]
    [InlineData("--Observability:Metrics:Prometheus:Port=http", "Observability:Metrics:Prometheus:Port")]
    [InlineData("--Observability:Metrics:Prometheus:Enabled=yes", "Observability:Metrics:Prometheus:Enabled")]
    [InlineData("--Observability:Metrics:Prometheus:Host=bad host/", "Observability:Metrics:Prometheus:Host")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", argument));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonFormat_MakesTheConsoleLoggerWriteOneJsonObjectPerEntry()
    {
        using var host = BuildHost("--Logging:Format=Json");
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

    private static IHost BuildHost(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(); // what the default host (Program.cs) has
        SiloHostBuilder.Configure(builder, "local", SiloConfigFiles.ConfigDirectory, args);
        return builder.Build();
    }

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
