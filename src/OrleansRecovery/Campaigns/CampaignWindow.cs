namespace OrleansRecovery.Campaigns;

/// <summary>
/// One phase of a campaign (putting members into recovery, or completing them) as a sliding window over the member list: up to
/// <c>width</c> members are in flight at once, a member that finishes makes room for the next at once (no member waits for the
/// slowest of a step), and the <see cref="Cursor"/> — the index before which every member has finished — is what the campaign
/// stores. A crash repeats at most the members between the stored cursor and the window's front, which is harmless: a member
/// joins a campaign once and a completion message is answered <c>Duplicate</c> the second time. Pure: no Orleans types, no I/O.
/// </summary>
internal sealed class CampaignWindow
{
    private readonly long _end;
    private readonly int _maxWidth;
    private int _width;
    private int _sinceChange;
    private readonly Dictionary<long, Slot> _open = [];
    private readonly SortedSet<(DateTimeOffset Due, long Index)> _retries = [];
    private int _inFlight;

    private long MaxLag => 16L * _maxWidth;

    /// <summary>
    /// A window over members [<paramref name="cursor"/>, <paramref name="end"/>) with <paramref name="width"/> calls at once, and
    /// the front at most <c>16 × width</c> members past the cursor (a member waiting to be retried holds the rest back only that far,
    /// which bounds what a crash repeats).
    /// </summary>
    public CampaignWindow(long cursor, long end, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Cursor = cursor;
        Front = cursor;
        _end = end;
        _maxWidth = width;
        _width = width;
    }

    /// <summary>
    /// A member call slower than this narrows the window: storage is the bottleneck, and more calls at once would only queue in
    /// front of it (each waiting longer, the slowest reaching Orleans' 30 s response timeout) without finishing more per second.
    /// A sixth of that timeout: a lower bound (2 s was tried) also narrowed the window on a machine that was merely busy, and the
    /// 10,000-member outage benchmark entered and completed at half the rate.
    /// </summary>
    internal static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(5);

    /// <summary>The narrowest the window gets.</summary>
    internal const int MinWidth = 8;

    /// <summary>How many calls may be in flight now: between <see cref="MinWidth"/> and the width it was created with.</summary>
    public int Width => _width;

    /// <summary>
    /// Adapts the width to how long member calls take (additive increase, multiplicative decrease, as TCP paces a connection):
    /// after a window's worth of calls under <see cref="SlowCall"/> it widens by one; a slow call narrows it by a quarter, at most
    /// once per window's worth of calls, so one burst of slow answers does not collapse it. A deployment whose storage keeps up
    /// runs at the configured width; one that cannot is not driven into timeouts.
    /// </summary>
    public void Observe(TimeSpan took)
    {
        _sinceChange++;
        if (took > SlowCall)
        {
            if (_sinceChange >= _width)
            {
                _width = Math.Max(Math.Min(MinWidth, _maxWidth), _width * 3 / 4);
                _sinceChange = 0;
            }
        }
        else if (_sinceChange >= _width && _width < _maxWidth)
        {
            _width++;
            _sinceChange = 0;
        }
    }

    /// <summary>Every member before this index has finished (done, faulted or failed).</summary>
    public long Cursor { get; private set; }

    /// <summary>The next member never started.</summary>
    public long Front { get; private set; }

    /// <summary>True when every member of the phase has finished.</summary>
    public bool Finished => Cursor >= _end;

    /// <summary>Members whose call is under way.</summary>
    public int InFlight => _inFlight;

    /// <summary>
    /// The members to call now, each marked in flight: retries that are due first, then members never started, while fewer than
    /// the width are in flight.
    /// </summary>
    public IReadOnlyList<long> Start(DateTimeOffset now)
    {
        var started = new List<long>();
        while (_inFlight < _width && _retries.Count > 0 && _retries.Min.Due <= now)
        {
            var (_, index) = _retries.Min;
            _retries.Remove(_retries.Min);
            _open[index] = _open[index] with { State = SlotState.InFlight };
            _inFlight++;
            started.Add(index);
        }

        while (_inFlight < _width && Front < _end && Front - Cursor < MaxLag)
        {
            _open[Front] = new Slot(SlotState.InFlight, MemberOutcome.Done, null);
            _inFlight++;
            started.Add(Front++);
        }

        return started;
    }

    /// <summary>The call of member <paramref name="index"/> ended with <paramref name="outcome"/> (final).</summary>
    public void Finish(long index, MemberOutcome outcome)
    {
        if (_open.TryGetValue(index, out var held) && held.State == SlotState.Called)
        {
            _open[index] = held with { State = SlotState.Finished, Outcome = outcome };
            return;
        }

        var slot = InFlightSlot(index);
        _open[index] = slot with { State = SlotState.Finished, Outcome = outcome };
        _inFlight--;
    }

    /// <summary>
    /// The call of member <paramref name="index"/> succeeded, but the member is not finished until something that follows the
    /// call (its announcement) is done: it frees its place among the calls in flight, so the next member starts, yet the
    /// <see cref="Cursor"/> stays before it until <see cref="Finish"/>. The window's front still stays within its lag of the
    /// cursor, which bounds how far calls run ahead of slow announcements.
    /// </summary>
    public void Called(long index)
    {
        var slot = InFlightSlot(index);
        _open[index] = slot with { State = SlotState.Called };
        _inFlight--;
    }

    /// <summary>
    /// The call of member <paramref name="index"/> failed at <paramref name="now"/>. It is called again at <paramref name="due"/>,
    /// unless its calls have been failing for <paramref name="giveUpAfter"/> or longer: then it finishes as
    /// <see cref="MemberOutcome.Failed"/>. Returns how long its calls have been failing, and whether it was given up.
    /// </summary>
    public (TimeSpan FailingFor, bool GivenUp) Fail(long index, DateTimeOffset now, DateTimeOffset due, TimeSpan giveUpAfter)
    {
        var slot = InFlightSlot(index);
        var since = slot.FailingSince ?? now;
        _inFlight--;
        if (now - since >= giveUpAfter)
        {
            _open[index] = slot with { State = SlotState.Finished, Outcome = MemberOutcome.Failed };
            return (now - since, true);
        }

        _open[index] = slot with { State = SlotState.Waiting, FailingSince = since, Attempts = slot.Attempts + 1 };
        _retries.Add((due, index));
        return (now - since, false);
    }

    /// <summary>Failed attempts of member <paramref name="index"/> so far.</summary>
    public int Attempts(long index) => _open.TryGetValue(index, out var slot) ? slot.Attempts : 0;

    /// <summary>
    /// Moves <see cref="Cursor"/> over the members finished in a row from it, and says how many it passed and how many of those
    /// were faulted or failed (each member is counted once, when the cursor passes it).
    /// </summary>
    public (long Passed, int Faulted, int Failed) Advance()
    {
        long passed = 0;
        int faulted = 0, failed = 0;
        while (_open.TryGetValue(Cursor, out var slot) && slot.State == SlotState.Finished)
        {
            faulted += slot.Outcome == MemberOutcome.Faulted ? 1 : 0;
            failed += slot.Outcome == MemberOutcome.Failed ? 1 : 0;
            _open.Remove(Cursor);
            Cursor++;
            passed++;
        }

        return (passed, faulted, failed);
    }

    private Slot InFlightSlot(long index) =>
        _open.TryGetValue(index, out var slot) && slot.State == SlotState.InFlight
            ? slot
            : throw new InvalidOperationException($"Member {index} is not in flight.");

    private enum SlotState
    {
        InFlight,
        Called,
        Waiting,
        Finished,
    }

    private sealed record Slot(SlotState State, MemberOutcome Outcome, DateTimeOffset? FailingSince, int Attempts = 0);
}

/// <summary>How one member's call in a campaign phase ended.</summary>
internal enum MemberOutcome
{
    /// <summary>Entered (or already in) the campaign's recovery, or answered the completion message.</summary>
    Done,

    /// <summary>Could not join: the transaction is faulted and waits for an operator.</summary>
    Faulted,

    /// <summary>Its calls kept failing for the whole retry window; passed over and logged.</summary>
    Failed,
}
