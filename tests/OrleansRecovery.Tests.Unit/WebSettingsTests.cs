using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary><c>Web:*</c>: the silo's web host (admin page and Orleans Dashboard), bound with the options pattern and validated at start.</summary>
public sealed class WebSettingsTests
{
    private static SiloWebOptions Web(string? environment) =>
        SiloConfigFiles.BuildSilo(environment).Services.GetRequiredService<IOptions<SiloWebOptions>>().Value;

    [Fact]
    public void Defaults_AreOff_OnLoopback_WithTheDocumentedPaths()
    {
        var web = Web(null);

        Assert.False(web.Enabled);
        Assert.Equal("http://127.0.0.1:8080", web.Url);
        Assert.Equal("/admin", web.AdminPath);
        Assert.Equal("/dashboard", web.DashboardPath);
        Assert.Equal(TimeSpan.FromSeconds(2), web.RefreshInterval);
        Assert.Equal(300, web.HistoryCapacity);
        Assert.Equal(20, web.OperationsShown);
    }

    [Fact]
    public void ComposeEnvironment_ServesTheWebHost_OnEveryInterface()
    {
        var web = Web("Compose");

        Assert.True(web.Enabled);
        Assert.Equal("http://*:8080", web.Url);
    }

    [Theory]
    [InlineData("--Web:Enabled=yes", "Web:Enabled")]
    [InlineData("--Web:Port=0", "Web:Port is 0")]
    [InlineData("--Web:Port=http", "Web:Port")]
    [InlineData("--Web:Host=not a host", "Web:Host is 'not a host'")]
    [InlineData("--Web:AdminPath=admin", "Web:AdminPath is 'admin'")]
    [InlineData("--Web:DashboardPath=/dash board", "Web:DashboardPath is '/dash board'")]
    [InlineData("--Web:RefreshInterval=00:00:00.010", "Web:RefreshInterval is")]
    [InlineData("--Web:RefreshInterval=soon", "Web:RefreshInterval")]
    [InlineData("--Web:HistoryCapacity=5", "Web:HistoryCapacity is 5")]
    [InlineData("--Web:OperationsShown=0", "Web:OperationsShown is 0")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        var failure = Assert.Single(SiloConfigFiles.Failures(null, argument));

        Assert.Contains(setting, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void SamePathForAdminAndDashboard_FailsNamingBoth()
    {
        Assert.Contains(SiloConfigFiles.Failures(null, "--Web:AdminPath=/ops", "--Web:DashboardPath=/ops/"),
            f => f.Contains("Web:DashboardPath and Web:AdminPath", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateBuilder_PicksAWebHost_OnlyWhenTheWebIsEnabled()
    {
        string[] root = ["--contentRoot", SiloConfigFiles.ConfigDirectory];
        Assert.IsType<WebApplicationBuilder>(SiloHost.CreateBuilder([.. root, "--Web:Enabled=true"]));
        Assert.IsType<HostApplicationBuilder>(SiloHost.CreateBuilder(root));
    }

    [Fact]
    public void EnabledWeb_OnAHostWithoutAWebServer_FailsSayingHowToFixIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = ["--Web:Enabled=true"] });

        var ex = Assert.Throws<InvalidOperationException>(() => builder.ConfigureSilo());

        Assert.Contains("Web:Enabled", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SiloHost.CreateBuilder), ex.Message, StringComparison.Ordinal);
    }
}
