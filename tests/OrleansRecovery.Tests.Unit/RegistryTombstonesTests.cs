using OrleansRecovery.Registry;

namespace OrleansRecovery.Tests.Unit;

/// <summary>Removals remembered by a registry shard drop reports older than them, for a bounded time and count.</summary>
public sealed class RegistryTombstonesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AReportOlderThanARemoval_IsSuperseded_ANewerOneIsNot()
    {
        var tombstones = new RegistryTombstones(TimeSpan.FromMinutes(1), capacity: 10);
        tombstones.Add("t", removedAt: T0.AddSeconds(10), now: T0.AddSeconds(10));

        Assert.True(tombstones.Supersedes("t", T0.AddSeconds(5), T0.AddSeconds(11)));
        Assert.True(tombstones.Supersedes("t", T0.AddSeconds(10), T0.AddSeconds(11)));
        Assert.False(tombstones.Supersedes("t", T0.AddSeconds(12), T0.AddSeconds(12)));
        Assert.False(tombstones.Supersedes("other", T0, T0.AddSeconds(12)));
    }

    [Fact]
    public void Tombstones_ExpireWithTime_AndTheOldestGoFirstBeyondCapacity()
    {
        var tombstones = new RegistryTombstones(TimeSpan.FromSeconds(30), capacity: 2);
        tombstones.Add("a", T0, T0);
        tombstones.Add("b", T0, T0.AddSeconds(1));
        tombstones.Add("c", T0, T0.AddSeconds(2));
        Assert.Equal(2, tombstones.Count);
        Assert.False(tombstones.Supersedes("a", T0, T0.AddSeconds(3)));
        Assert.True(tombstones.Supersedes("b", T0, T0.AddSeconds(3)));

        Assert.False(tombstones.Supersedes("c", T0, T0.AddSeconds(40)));
        Assert.Equal(0, tombstones.Count);
    }

    [Fact]
    public void ARepeatedRemoval_KeepsTheLaterTime()
    {
        var tombstones = new RegistryTombstones(TimeSpan.FromSeconds(30), capacity: 10);
        tombstones.Add("t", T0.AddSeconds(5), T0);
        tombstones.Add("t", T0.AddSeconds(2), T0.AddSeconds(1));
        Assert.True(tombstones.Supersedes("t", T0.AddSeconds(4), T0.AddSeconds(2)));

        // The first removal's expiry does not forget the later one.
        tombstones.Add("t", T0.AddSeconds(9), T0.AddSeconds(20));
        Assert.True(tombstones.Supersedes("t", T0.AddSeconds(8), T0.AddSeconds(31)));
    }
}
