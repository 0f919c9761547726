namespace OrleansRecovery.Grains.Scheduling;

/// <summary>Exponential pauses between retries: the first pause doubled for each attempt after the first, capped.</summary>
internal static class Backoff
{
    /// <summary><paramref name="first"/> doubled for each attempt after the first, at most <paramref name="max"/>.</summary>
    public static TimeSpan Delay(TimeSpan first, int attempt, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, max.Ticks));
    }
}
