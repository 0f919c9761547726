using OrleansRecovery.Grains;

namespace OrleansRecovery.Tests.Unit;

/// <summary>A silo sends at most a few announcements at once; the rest wait in memory, and every one is sent.</summary>
public sealed class AnnouncementGateTests
{
    [Fact]
    public async Task ManyAnnouncements_AreSentAFewAtATime_AndEveryOneIsSent()
    {
        using var gate = new AnnouncementGate();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var most = 0;
        var sent = 0;
        async Task Send()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref sent);
        }

        var all = Enumerable.Range(0, 100).Select(_ => gate.SendAsync(Send)).ToList();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == AnnouncementGate.MaxConcurrent && gate.Waiting == 100 - AnnouncementGate.MaxConcurrent,
            TimeSpan.FromSeconds(30)), "the first sends start and the rest wait");
        release.SetResult();
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(100, sent);
        Assert.Equal(AnnouncementGate.MaxConcurrent, most);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task AFailedSend_FreesItsSlot_AndFailsOnlyItsCaller()
    {
        using var gate = new AnnouncementGate();
        for (var i = 0; i < AnnouncementGate.MaxConcurrent + 1; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => gate.SendAsync(() => throw new InvalidOperationException("queue down")));
        }

        var sent = false;
        await gate.SendAsync(() =>
        {
            sent = true;
            return Task.CompletedTask;
        }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sent);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
