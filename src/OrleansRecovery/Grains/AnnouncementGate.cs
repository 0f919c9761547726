namespace OrleansRecovery.Grains;

/// <summary>
/// Bounds the <see cref="RecoveryRequested"/> announcements one silo sends at once. A transaction announces its recovery after
/// answering the call that began it, without waiting; when thousands begin at once (an outage, one call each), unbounded sends
/// would queue thousands of queue writes in storage ahead of the transactions' own writes and the registry's, and every call
/// would wait behind them (measured: queue writes taking 77 s and calls timing out at Orleans' 30 s). Here the excess waits in
/// the silo's memory instead, and storage serves the calls' writes as they come. An announcement waiting here when the silo
/// dies is sent again once the recovery is stuck, as any lost announcement is.
/// </summary>
internal sealed class AnnouncementGate : IDisposable
{
    /// <summary>Announcements being sent at once by one silo: enough to keep a queue busy, few enough not to crowd storage.</summary>
    internal const int MaxConcurrent = 8;

    private readonly SemaphoreSlim _slots = new(MaxConcurrent, MaxConcurrent);
    private int _waiting;

    /// <summary>Announcements waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Runs <paramref name="send"/> once a slot is free.</summary>
    public async Task SendAsync(Func<Task> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync().ConfigureAwait(true); // back on the grain's scheduler: the stream is the grain's
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            await send().ConfigureAwait(true);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
