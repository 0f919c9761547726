using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary><c>Web:*</c>: the silo's web host (admin page and Orleans Dashboard) is validated like every other setting.</summary>
public sealed class WebSettingsTests
{
    private static SiloSettings Validate(string profile, params string[] args)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, profile, args, includeEnvironment: false);
        return SiloHostBuilder.Validate(configuration, profile, SiloConfigFiles.ConfigDirectory);
    }

    [Fact]
    public void Defaults_AreOff_OnLoopback_WithTheDocumentedPaths()
    {
        var web = Validate("local").Web;

        Assert.False(web.Enabled);
        Assert.Equal("http://127.0.0.1:8080", web.Url);
        Assert.Equal("/admin", web.AdminPath);
        Assert.Equal("/dashboard", web.DashboardPath);
        Assert.Equal(TimeSpan.FromSeconds(2), web.RefreshInterval);
    }

    [Fact]
    public void ComposeProfile_ServesTheWebHost_OnEveryInterface()
    {
        var web = Validate("compose").Web;

        Assert.True(web.Enabled);
        Assert.Equal("http://*:8080", web.Url);
    }

    [Theory]
    [InlineData("--Web:Enabled=yes", "Web:Enabled")]
    [InlineData("--Web:Port=0", "Web:Port")]
    [InlineData("--Web:Port=http", "Web:Port")]
    [InlineData("--Web:Host=not a host", "Web:Host")]
    [InlineData("--Web:AdminPath=admin", "Web:AdminPath")]
    [InlineData("--Web:DashboardPath=/dash board", "Web:DashboardPath")]
    [InlineData("--Web:RefreshInterval=00:00:00.010", "Web:RefreshInterval")]
    [InlineData("--Web:RefreshInterval=soon", "Web:RefreshInterval")]
    public void InvalidValue_FailsNamingTheSetting(string argument, string setting)
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", argument));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Failures);
    }

    [Fact]
    public void SamePathForAdminAndDashboard_FailsNamingBoth()
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate("local", "--Web:AdminPath=/ops", "--Web:DashboardPath=/ops/"));

        Assert.Contains("Web:DashboardPath and Web:AdminPath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBuilder_PicksAWebHost_OnlyWhenTheWebIsEnabled()
    {
        Assert.IsType<WebApplicationBuilder>(SiloHostBuilder.CreateBuilder("local", SiloConfigFiles.ConfigDirectory, ["--Web:Enabled=true"]));
        Assert.IsType<HostApplicationBuilder>(SiloHostBuilder.CreateBuilder("local", SiloConfigFiles.ConfigDirectory, []));
    }

    [Fact]
    public void EnabledWeb_OnAHostWithoutAWebServer_FailsSayingHowToFixIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var ex = Assert.Throws<SiloConfigurationException>(() =>
            SiloHostBuilder.Configure(builder, "local", SiloConfigFiles.ConfigDirectory, ["--Web:Enabled=true"]));

        Assert.Contains("Web:Enabled", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SiloHostBuilder.CreateBuilder), ex.Message, StringComparison.Ordinal);
    }
}
