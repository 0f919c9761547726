namespace OrleansRecovery.Campaigns;

/// <summary>
/// The rate at which a campaign's members return to Normal, from samples of the count back to Normal over the last minute, and
/// the time left at that rate. Kept in memory by the grain that shows the progress: a fresh activation starts measuring again.
/// </summary>
internal sealed class CampaignRate
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<(DateTimeOffset At, long Done)> _samples = new();

    /// <summary>Records that <paramref name="done"/> members were back to Normal at <paramref name="at"/>.</summary>
    public void Sample(DateTimeOffset at, long done)
    {
        _samples.Enqueue((at, done));
        while (_samples.Count > 2 && at - _samples.Peek().At > Window)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Members per second over the samples kept, or null with fewer than two samples a second apart.</summary>
    public double? PerSecond
    {
        get
        {
            if (_samples.Count < 2)
            {
                return null;
            }

            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds < 1 ? null : Math.Max(0, last.Done - first.Done) / seconds;
        }
    }

    /// <summary>Time for <paramref name="remaining"/> members at the current rate; zero when none remain, null when unknown.</summary>
    public TimeSpan? Remaining(long remaining) => remaining <= 0
        ? TimeSpan.Zero
        : PerSecond is > 0 and var rate ? TimeSpan.FromSeconds(remaining / rate) : null;
}
