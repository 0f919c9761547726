using OrleansRecovery.Campaigns;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// The campaign's sliding window: a finished call makes room for the next at once, the stored cursor only passes members that
/// finished in a row, each member is counted once, a failing member is retried until it is given up, and the front never runs
/// more than 16 widths past the cursor (what a crash can repeat).
/// </summary>
public sealed class CampaignWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AFinishedCall_MakesRoomForTheNextMember_WithoutWaitingForTheSlowestOfAStep()
    {
        var window = new CampaignWindow(cursor: 0, end: 10, width: 3);
        Assert.Equal([0L, 1L, 2L], window.Start(T0));
        Assert.Empty(window.Start(T0));

        window.Finish(1, MemberOutcome.Done);
        Assert.Equal([3L], window.Start(T0));
        Assert.Equal((0L, 0, 0), window.Advance()); // member 0 is still under way: the cursor cannot pass it
        Assert.Equal(0, window.Cursor);

        window.Finish(0, MemberOutcome.Faulted);
        Assert.Equal((2L, 1, 0), window.Advance());
        Assert.Equal(2, window.Cursor);
        Assert.Equal(2, window.InFlight);
    }

    [Fact]
    public void ResumedAtAStoredCursor_StartsThereAndEndsAtTheEnd()
    {
        var window = new CampaignWindow(cursor: 7, end: 9, width: 5);
        Assert.Equal([7L, 8L], window.Start(T0));
        window.Finish(8, MemberOutcome.Done);
        window.Finish(7, MemberOutcome.Done);
        Assert.Equal((2L, 0, 0), window.Advance());
        Assert.True(window.Finished);
        Assert.Empty(window.Start(T0));
    }

    [Fact]
    public void AFailingMember_IsRetriedWhenDue_ThenGivenUpAfterTheRetryWindow_AndCountedOnce()
    {
        var giveUp = TimeSpan.FromMinutes(5);
        var window = new CampaignWindow(cursor: 0, end: 2, width: 2);
        Assert.Equal([0L, 1L], window.Start(T0));
        window.Finish(1, MemberOutcome.Done);

        Assert.Equal((TimeSpan.Zero, false), window.Fail(0, T0, T0.AddSeconds(1), giveUp));
        Assert.Equal(1, window.Attempts(0));
        Assert.Empty(window.Start(T0.AddMilliseconds(500))); // not due yet
        Assert.Equal((0L, 0, 0), window.Advance());

        Assert.Equal([0L], window.Start(T0.AddSeconds(1)));
        var (failingFor, givenUp) = window.Fail(0, T0.AddMinutes(5), T0.AddMinutes(6), giveUp);
        Assert.True(givenUp);
        Assert.Equal(giveUp, failingFor);
        Assert.Equal((2L, 0, 1), window.Advance());
        Assert.True(window.Finished);
        Assert.Empty(window.Start(T0.AddMinutes(7)));
    }

    [Fact]
    public void AMemberWaitingForItsRetry_HoldsTheFrontAtMost16WidthsPastTheCursor()
    {
        var window = new CampaignWindow(cursor: 0, end: 1_000, width: 2);
        var started = window.Start(T0);
        window.Fail(started[0], T0, T0.AddHours(1), TimeSpan.FromHours(2));
        window.Finish(started[1], MemberOutcome.Done);
        for (var i = 0; i < 100; i++)
        {
            foreach (var index in window.Start(T0))
            {
                window.Finish(index, MemberOutcome.Done);
            }
        }

        Assert.Equal(32, window.Front); // 16 × width past the cursor, which member 0 holds at 0
        Assert.Equal(0, window.Cursor);
        Assert.Equal((0L, 0, 0), window.Advance());
    }

    [Fact]
    public void ACalledMember_FreesItsCallSlot_ButHoldsTheCursorUntilFinished()
    {
        var window = new CampaignWindow(0, 10, width: 2);
        Assert.Equal([0L, 1L], window.Start(T0));
        window.Called(0); // answered, announcement not yet published
        window.Called(1);
        Assert.Equal(0, window.InFlight);
        Assert.Equal([2L, 3L], window.Start(T0));
        window.Finish(1, MemberOutcome.Done);
        Assert.Equal((0L, 0, 0), window.Advance());
        Assert.Equal(0, window.Cursor);
        window.Finish(0, MemberOutcome.Done);
        Assert.Equal((2L, 0, 0), window.Advance());
        Assert.Equal(2, window.Cursor);
        Assert.Equal(2, window.InFlight);
        Assert.Throws<InvalidOperationException>(() => window.Called(0));
    }

    [Fact]
    public void SlowCalls_NarrowTheWindow_OncePerWindowOfCalls_DownToItsFloor_AndFastOnesWidenItBack()
    {
        var window = new CampaignWindow(0, 100_000, width: 64);
        var slow = CampaignWindow.SlowCall + TimeSpan.FromSeconds(1);
        var fast = TimeSpan.FromMilliseconds(50);

        // A burst of slow answers narrows it by a quarter once per window's worth of calls, not at each.
        for (var i = 0; i < 64; i++)
        {
            window.Observe(slow);
        }

        Assert.Equal(48, window.Width);
        for (var i = 0; i < 10_000; i++)
        {
            window.Observe(slow);
        }

        Assert.Equal(CampaignWindow.MinWidth, window.Width);
        Assert.Equal(CampaignWindow.MinWidth, window.Start(T0).Count);

        // Fast answers widen it by one per window's worth of calls, up to the configured width and no further.
        for (var i = 0; i < 100_000 && window.Width < 64; i++)
        {
            window.Observe(fast);
        }

        Assert.Equal(64, window.Width);
        for (var i = 0; i < 1_000; i++)
        {
            window.Observe(fast);
        }

        Assert.Equal(64, window.Width);
    }

    [Fact]
    public void ReportingAMemberThatIsNotInFlight_IsRefused()
    {
        var window = new CampaignWindow(cursor: 0, end: 5, width: 1);
        window.Start(T0);
        window.Finish(0, MemberOutcome.Done);
        Assert.Throws<InvalidOperationException>(() => window.Finish(0, MemberOutcome.Done));
        Assert.Throws<InvalidOperationException>(() => window.Fail(3, T0, T0, TimeSpan.Zero));
    }
}

/// <summary>A campaign's recovery requests go out many to a queue message, within the count and size an Azure queue message holds.</summary>
public sealed class CampaignAnnouncementBatchTests
{
    private static RecoveryRequested Request(int i, int reasonLength) =>
        new($"tx-{i}", Guid.NewGuid().ToString("N"), new string('r', reasonLength), DateTimeOffset.UnixEpoch) { CampaignId = "c" };

    [Fact]
    public void SmallRequests_GoOutByTheBatchCount()
    {
        var requests = Enumerable.Range(0, 150).Select(i => Request(i, 40)).ToList();
        var batches = CampaignAnnouncements.Batches(requests, r => r).ToList();
        Assert.Equal([64, 64, 22], batches.Select(b => b.Count));
        Assert.Equal(requests, batches.SelectMany(b => b));
    }

    [Fact]
    public void Publishing_SendsAPartialBatchOnlyWhenIdle_AndFullBatchesSideBySide_UpToTheLimit()
    {
        var announcements = new CampaignAnnouncements(TimeProvider.System);
        var published = 0;
        var sends = new List<(IReadOnlyList<RecoveryRequested> Batch, TaskCompletionSource Done)>();
        Task Send(IReadOnlyList<RecoveryRequested> batch)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            sends.Add((batch, done));
            return done.Task;
        }

        void Add(int from, int count)
        {
            foreach (var i in Enumerable.Range(from, count))
            {
                announcements.Add(Request(i, 10), () => Interlocked.Increment(ref published));
            }
        }

        // Idle: a partial batch goes at once. Busy: a second partial batch waits for the first.
        Add(0, 3);
        announcements.Publish(Send, ex => throw ex);
        Assert.Single(sends);
        Add(3, 2);
        announcements.Publish(Send, ex => throw ex);
        Assert.Single(sends);
        Assert.Equal(2, announcements.Pending);

        // Enough for full batches: they go side by side up to the limit, and the remainder waits.
        Add(5, 64 * CampaignAnnouncements.MaxConcurrentBatches);
        announcements.Publish(Send, ex => throw ex);
        Assert.Equal(CampaignAnnouncements.MaxConcurrentBatches, sends.Count);
        Assert.All(sends.Skip(1), s => Assert.Equal(TransactionStreams.CampaignAnnouncementBatch, s.Batch.Count));
        Assert.Equal(CampaignAnnouncements.MaxConcurrentBatches, announcements.Sending);

        // A member counts as published only once its batch is sent; a failed batch returns to the pending requests.
        sends[0].Done.SetResult();
        SpinWait.SpinUntil(() => Volatile.Read(ref published) == 3 && announcements.Sending == CampaignAnnouncements.MaxConcurrentBatches - 1,
            TimeSpan.FromSeconds(30));
        Assert.Equal(3, Volatile.Read(ref published));
        var pendingBefore = announcements.Pending;
        sends[1].Done.SetException(new InvalidOperationException("queue down"));
        SpinWait.SpinUntil(() => announcements.Pending == pendingBefore + 64, TimeSpan.FromSeconds(30));
        Assert.Equal(pendingBefore + 64, announcements.Pending);
        Assert.Equal(3, Volatile.Read(ref published));
    }

    [Fact]
    public void LongReasons_KeepEachBatchUnderTheByteLimit_AndAnOversizedOneGoesAlone()
    {
        var requests = Enumerable.Range(0, 40).Select(i => Request(i, 1_024)).Append(Request(99, 30_000)).ToList();
        var batches = CampaignAnnouncements.Batches(requests, r => r).ToList();
        Assert.All(batches.Where(b => b.Count > 1), b => Assert.True(b.Sum(r => r.Reason.Length) <= CampaignAnnouncements.MaxBatchBytes));
        Assert.Equal(requests, batches.SelectMany(b => b));
        Assert.Single(batches[^1]);
    }
}
