using OrleansRecovery.Admin;

namespace OrleansRecovery.Tests.Unit.Admin;

/// <summary>The cluster chart's ring: bounded, oldest dropped first, read oldest first.</summary>
public sealed class SampleRingTests
{
    [Fact]
    public void Empty_ReadsNothing()
    {
        Assert.Empty(new SampleRing<int>(3).Snapshot());
    }

    [Fact]
    public void BelowCapacity_KeepsEverything_OldestFirst()
    {
        var ring = new SampleRing<int>(5);
        ring.Add(1);
        ring.Add(2);
        ring.Add(3);
        Assert.Equal([1, 2, 3], ring.Snapshot());
    }

    [Fact]
    public void PastCapacity_DropsTheOldest_AndNeverGrows()
    {
        var ring = new SampleRing<int>(3);
        for (var i = 1; i <= 10; i++)
        {
            ring.Add(i);
            Assert.True(ring.Snapshot().Count <= 3);
        }

        Assert.Equal([8, 9, 10], ring.Snapshot());
        Assert.Equal(3, ring.Capacity);
    }

    [Fact]
    public void ASnapshot_IsACopy()
    {
        var ring = new SampleRing<int>(2);
        ring.Add(1);
        var before = ring.Snapshot();
        ring.Add(2);
        ring.Add(3);
        Assert.Equal([1], before);
        Assert.Equal([2, 3], ring.Snapshot());
    }

    [Fact]
    public void ZeroCapacity_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampleRing<int>(0));
    }

    [Fact]
    public void ConcurrentAdds_LoseNothingBeyondTheCapacity()
    {
        var ring = new SampleRing<int>(1_000);
        Parallel.For(0, 1_000, i => ring.Add(i));
        Assert.Equal(Enumerable.Range(0, 1_000), ring.Snapshot().Order());
    }
}
