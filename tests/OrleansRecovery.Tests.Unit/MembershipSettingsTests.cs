using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// <c>Orleans:ClusterMembership:*</c> (issue 10, item 4: back fast after a whole-cluster crash): the shipped profiles' values reach
/// Orleans' <see cref="ClusterMembershipOptions"/>, the reminder floor follows the watchdog period, and a bad value stops the silo
/// naming the setting.
/// </summary>
public sealed class MembershipSettingsTests
{
    private static readonly string[] ClusterArgs = [$"--Storage:ConnectionString={SiloConfigFiles.TestConnectionString}"];

    private static SiloSettings Validate(params string[] args)
    {
        var configuration = SiloHostBuilder.LoadConfiguration(SiloConfigFiles.ConfigDirectory, "cluster", [.. ClusterArgs, .. args], includeEnvironment: false);
        return SiloHostBuilder.Validate(configuration, "cluster", SiloConfigFiles.ConfigDirectory);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("compose")]
    [InlineData("local")]
    public void ShippedProfiles_MakeDeadSilosStaleAfter10s_KeepOrleansProbeDefaults_AndOrleansReminderFloor(string profile)
    {
        string[] args = profile == "cluster" ? ClusterArgs : [];
        var builder = SiloHostBuilder.CreateBuilder(profile, SiloConfigFiles.ConfigDirectory, args);
        var settings = SiloHostBuilder.Configure(builder, profile, SiloConfigFiles.ConfigDirectory, args);
        using var host = SiloHostBuilder.Build(builder, settings);

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var defaults = new ClusterMembershipOptions();
        Assert.Equal(TimeSpan.FromSeconds(2), membership.IAmAliveTablePublishTimeout);
        Assert.Equal(5, membership.NumMissedTableIAmAliveLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Membership.StaleWindow);
        Assert.Equal(defaults.ProbeTimeout, membership.ProbeTimeout);
        Assert.Equal(defaults.NumMissedProbesLimit, membership.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, membership.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.TableRefreshTimeout, membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
    }

    [Theory]
    [InlineData("--Orleans:ClusterMembership:ProbeTimeout=five", "Orleans:ClusterMembership:ProbeTimeout")]
    [InlineData("--Orleans:ClusterMembership:ProbeTimeout=00:00:00.200", "Orleans:ClusterMembership:ProbeTimeout")]
    [InlineData("--Orleans:ClusterMembership:NumMissedProbesLimit=1", "Orleans:ClusterMembership:NumMissedProbesLimit")]
    [InlineData("--Orleans:ClusterMembership:NumMissedTableIAmAliveLimit=1", "Orleans:ClusterMembership:NumMissedTableIAmAliveLimit")]
    [InlineData("--Orleans:ClusterMembership:IAmAliveTablePublishTimeout=00:00:01", "Orleans:ClusterMembership:IAmAliveTablePublishTimeout")]
    [InlineData("--Orleans:ClusterMembership:NumVotesForDeathDeclaration=0", "Orleans:ClusterMembership:NumVotesForDeathDeclaration")]
    [InlineData("--Orleans:ClusterMembership:LivenessEnabled=false", "Orleans:ClusterMembership:LivenessEnabled")]
    [InlineData("--Orleans:ClusterMembership:ProbeTimout=00:00:05", "Orleans:ClusterMembership:ProbeTimout")]
    public void InvalidValue_StopsTheSilo_NamingTheSetting(string argument, string setting)
    {
        var ex = Assert.Throws<SiloConfigurationException>(() => Validate(argument));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MembershipOptionsSetInCode_AreCheckedWhenTheHostResolvesThem()
    {
        var builder = SiloHostBuilder.CreateBuilder("cluster", SiloConfigFiles.ConfigDirectory, ClusterArgs);
        var settings = SiloHostBuilder.Configure(builder, "cluster", SiloConfigFiles.ConfigDirectory, ClusterArgs);
        builder.Services.Configure<ClusterMembershipOptions>(o => o.NumMissedProbesLimit = 1);
        using var host = SiloHostBuilder.Build(builder, settings);

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value);
        Assert.Contains("Orleans:ClusterMembership:NumMissedProbesLimit", ex.Message, StringComparison.Ordinal);
    }
}
