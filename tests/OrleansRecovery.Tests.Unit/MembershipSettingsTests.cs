using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansRecovery.Silo;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// <c>Orleans:ClusterMembership:*</c> (issue 10, item 4: back fast after a whole-cluster crash): the shipped values reach
/// Orleans' <see cref="ClusterMembershipOptions"/>, the reminder floor follows the watchdog period, and a bad value stops the silo
/// naming the setting.
/// </summary>
public sealed class MembershipSettingsTests
{
    private static readonly string[] ClusterArgs = [$"--ConnectionStrings:storage={SiloConfigFiles.TestConnectionString}"];

    [Theory]
    [InlineData("Cluster")]
    [InlineData("Compose")]
    [InlineData(null)]
    public void ShippedEnvironments_MakeDeadSilosStaleAfter10s_KeepOrleansProbeDefaults_AndOrleansReminderFloor(string? environment)
    {
        using var host = SiloConfigFiles.BuildSilo(environment, environment == "Cluster" ? ClusterArgs : []);

        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var defaults = new ClusterMembershipOptions();
        Assert.Equal(TimeSpan.FromSeconds(2), membership.IAmAliveTablePublishTimeout);
        Assert.Equal(5, membership.NumMissedTableIAmAliveLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), membership.IAmAliveTablePublishTimeout * membership.NumMissedTableIAmAliveLimit);
        Assert.Equal(defaults.ProbeTimeout, membership.ProbeTimeout);
        Assert.Equal(defaults.NumMissedProbesLimit, membership.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, membership.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.TableRefreshTimeout, membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
    }

    [Theory]
    [InlineData("Cluster")]
    [InlineData(null)]
    public void ShippedEnvironments_CollectIdleActivationsAfterFiveMinutes_AndTheSettingIsOrleans(string? environment)
    {
        using var host = SiloConfigFiles.BuildSilo(environment, environment == "Cluster" ? ClusterArgs : []);
        Assert.Equal(TimeSpan.FromMinutes(5), host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);

        using var overridden = SiloConfigFiles.BuildSilo(environment,
            [.. environment == "Cluster" ? ClusterArgs : [], "--Orleans:GrainCollection:CollectionAge=00:30:00"]);
        Assert.Equal(TimeSpan.FromMinutes(30), overridden.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
    }

    [Fact]
    public void UnknownGrainCollectionKey_StopsTheSilo_NamingIt()
    {
        var failures = SiloConfigFiles.Failures("Cluster", [.. ClusterArgs, "--Orleans:GrainCollection:CollectionAg=00:01:00"]);

        Assert.Contains(failures, f => f.Contains("'CollectionAg'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Orleans:ClusterMembership:ProbeTimeout=five", "Orleans:ClusterMembership:ProbeTimeout")]
    [InlineData("--Orleans:ClusterMembership:ProbeTimeout=00:00:00.200", "Orleans:ClusterMembership:ProbeTimeout")]
    [InlineData("--Orleans:ClusterMembership:NumMissedProbesLimit=1", "Orleans:ClusterMembership:NumMissedProbesLimit")]
    [InlineData("--Orleans:ClusterMembership:NumMissedTableIAmAliveLimit=1", "Orleans:ClusterMembership:NumMissedTableIAmAliveLimit")]
    [InlineData("--Orleans:ClusterMembership:IAmAliveTablePublishTimeout=00:00:01", "Orleans:ClusterMembership:IAmAliveTablePublishTimeout")]
    [InlineData("--Orleans:ClusterMembership:NumVotesForDeathDeclaration=0", "Orleans:ClusterMembership:NumVotesForDeathDeclaration")]
    [InlineData("--Orleans:ClusterMembership:LivenessEnabled=false", "Orleans:ClusterMembership:LivenessEnabled")]
    [InlineData("--Orleans:ClusterMembership:ProbeTimout=00:00:05", "'ProbeTimout'")]
    public void InvalidValue_StopsTheSilo_NamingTheSetting(string argument, string setting)
    {
        var failures = SiloConfigFiles.Failures("Cluster", [.. ClusterArgs, argument]);

        Assert.Contains(failures, f => f.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void MembershipOptionsSetInCode_AreCheckedWhenTheHostResolvesThem()
    {
        var builder = SiloHost.CreateBuilder([.. ClusterArgs, "--environment", "Cluster", "--contentRoot", SiloConfigFiles.ConfigDirectory]).ConfigureSilo();
        builder.Services.Configure<ClusterMembershipOptions>(o => o.NumMissedProbesLimit = 1);
        using var host = SiloHost.Build(builder);

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value);
        Assert.Contains("Orleans:ClusterMembership:NumMissedProbesLimit", ex.Message, StringComparison.Ordinal);
    }
}
