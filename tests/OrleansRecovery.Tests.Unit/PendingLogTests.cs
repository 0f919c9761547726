using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

public sealed class PendingLogTests
{
    private static readonly RecoveryLimits Limits = new() { SegmentMaxEntries = 3 };

    [Fact]
    public void Append_BeyondSegmentMaxEntries_RollsOverToANewSegment()
    {
        var log = PendingLog.Empty;
        var written = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            (log, var segment) = log.Append(Normal($"m{i}"), Now, Limits);
            written.Add(segment);
        }

        Assert.Equal([0L, 0L, 0L, 1L, 1L, 1L, 2L], written);
        Assert.Equal([3, 3, 1], log.Segments.Select(s => s.Entries.Count));
        Assert.Equal([0L, 1L, 2L], log.Segments.Select(s => s.Index));
        Assert.Equal(7, log.Count);
        Assert.Equal(0, log.FirstSegment);
        Assert.Equal(3, log.NextSegment);
        Assert.Equal(log.Segments.Sum(s => s.Bytes), log.Bytes);
    }

    [Fact]
    public void Append_BeyondSegmentMaxBytes_RollsOverToANewSegment()
    {
        var message = Normal("m0", "apply", new string('p', 50));
        var size = PendingEntry.EstimateBytes(message);
        var limits = new RecoveryLimits { SegmentMaxEntries = 100, SegmentMaxBytes = (2 * size) + (size / 2) };
        var log = PendingLog.Empty;
        for (var i = 0; i < 5; i++)
        {
            (log, _) = log.Append(message with { MessageId = $"m{i}" }, Now, limits);
        }

        Assert.Equal([2, 2, 1], log.Segments.Select(s => s.Entries.Count));
        Assert.All(log.Segments, s => Assert.True(s.Bytes <= limits.SegmentMaxBytes));
        Assert.Equal(5L * size, log.Bytes);
    }

    [Fact]
    public void Append_EntryLargerThanASegment_GetsASegmentOfItsOwn()
    {
        var limits = new RecoveryLimits { SegmentMaxBytes = 40 };
        var log = PendingLog.Empty;
        (log, _) = log.Append(Normal("small"), Now, limits);
        (log, var big) = log.Append(Normal("big", "apply", new string('x', 100)), Now, limits);

        Assert.Equal(1, big);
        Assert.Equal([1, 1], log.Segments.Select(s => s.Entries.Count));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(10_000)]
    public void Submit_WhileRecoveringAtDepth_WritesExactlyOneSegmentAndNoHeader(int depth)
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 128 });
        h.Begin();
        for (var i = 0; i < depth; i++)
        {
            h.Submit(Normal($"m{i}"));
        }

        var t = h.Submit(Normal("next"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.False(t.Writes.Header);
        var index = Assert.Single(t.Writes.Segments);
        Assert.Equal(1, t.Writes.RecordCount);
        var segment = t.State.Pending.Segments.Single(s => s.Index == index);
        Assert.True(segment.Entries.Count <= 128);
        Assert.Equal("next", segment.Entries[^1].Message.MessageId);
        Assert.Equal(depth + 1, t.State.Pending.Count);
    }

    [Fact]
    public void Load_FromStoredSegmentsAndPositions_ReproducesTheSameUnappliedSequence()
    {
        // Every segment version ever written is kept, as storage would (garbage not cleared).
        var stored = new Dictionary<long, PendingSegment>();
        var log = PendingLog.Empty;
        for (var i = 0; i < 11; i++)
        {
            (log, var index) = log.Append(Normal($"m{i}"), Now, Limits);
            stored[index] = log.Segments.Single(s => s.Index == index);
        }

        for (var advance = 0; advance <= 11; advance++)
        {
            var (advanced, _) = log.Advance(advance);
            var segments = Enumerable.Range((int)advanced.FirstSegment, 10)
                .Select(i => stored.GetValueOrDefault(i))
                .TakeWhile(s => s is not null)
                .Select(s => s!);

            var loaded = PendingLog.Load(advanced.FirstSegment, advanced.ReplayPosition, advanced.NextSequence, segments);

            Assert.Equal(Sequence(advanced), Sequence(loaded));
            Assert.Equal(advanced.Count, loaded.Count);
            Assert.Equal(advanced.Bytes, loaded.Bytes);
            Assert.Equal(advanced.FirstSegment, loaded.FirstSegment);
            Assert.Equal(advanced.NextSegment, loaded.NextSegment);
            Assert.True(advanced.Ids.SetEquals(loaded.Ids));

            // Appending after a load continues the same sequence in the same segment as the live log would.
            var (liveNext, liveSegment) = advanced.Append(Normal("after"), Now, Limits);
            var (loadedNext, loadedSegment) = loaded.Append(Normal("after"), Now, Limits);
            Assert.Equal(liveSegment, loadedSegment);
            Assert.Equal(Sequence(liveNext), Sequence(loadedNext));
        }
    }

    [Fact]
    public void Load_WithStaleHeaderNextSequence_TakesTheSequenceFromTheSegments()
    {
        // Appends write only their segment, so the header's NextSequence lags behind what the segments hold.
        var log = PendingLog.Empty;
        (log, _) = log.Append(Normal("a"), Now, Limits);
        (log, _) = log.Append(Normal("b"), Now, Limits);

        var loaded = PendingLog.Load(0, 0, 0, log.Segments);

        Assert.Equal(2, loaded.NextSequence);
        Assert.Equal(["a", "b"], loaded.Unapplied(10).Select(e => e.Message.MessageId));
    }

    [Fact]
    public void Load_WithNoSegments_IsEmptyAndWritesTheNextSegmentWhereTheHeaderSays()
    {
        var loaded = PendingLog.Load(4, 9, 9, []);

        Assert.True(loaded.IsEmpty);
        Assert.Equal(4, loaded.FirstSegment);
        Assert.Equal(4, loaded.NextSegment);
        var (next, segment) = loaded.Append(Normal("a"), Now, Limits);
        Assert.Equal(4, segment);
        Assert.Equal(9, next.Unapplied(1).Single().Sequence);
    }

    [Fact]
    public void Load_HeaderCountingEntriesThatNoSegmentHolds_HasNoPhantomEntries()
    {
        // The header (written first) recorded NextSequence 3, but the segment write holding sequence 2 never happened.
        var log = PendingLog.Empty;
        (log, _) = log.Append(Normal("a"), Now, Limits);
        (log, _) = log.Append(Normal("b"), Now, Limits);

        var loaded = PendingLog.Load(0, 0, 3, log.Segments);

        Assert.Equal(loaded.Unapplied(int.MaxValue).Count(), loaded.Count);
    }

    [Fact]
    public void Advance_ConsumingWholeSegments_DropsThemAndListsThemAsGarbage()
    {
        var log = PendingLog.Empty;
        for (var i = 0; i < 8; i++)
        {
            (log, _) = log.Append(Normal($"m{i}"), Now, Limits);
        }

        var (partial, none) = log.Advance(2);
        Assert.Empty(none);
        Assert.Equal(0, partial.FirstSegment);
        Assert.Equal(["m2", "m3", "m4", "m5", "m6", "m7"], Sequence(partial));

        var (past, garbage) = partial.Advance(5);
        Assert.Equal([0L, 1L], garbage);
        Assert.Equal(2, past.FirstSegment);
        Assert.Equal([2L], past.Segments.Select(s => s.Index));
        Assert.Equal(["m7"], Sequence(past));
        Assert.Equal(7, past.ReplayPosition);
        Assert.False(past.ContainsId(MessageIdHash.Of("m6")));
        Assert.True(past.ContainsId(MessageIdHash.Of("m7")));
        Assert.Equal(past.Segments.Sum(s => s.Bytes), past.Bytes);

        var (empty, last) = past.Advance(1);
        Assert.Equal([2L], last);
        Assert.True(empty.IsEmpty);
        Assert.Empty(empty.Segments);
        Assert.Equal(3, empty.FirstSegment);
        Assert.Equal(0, empty.Bytes);
        Assert.Empty(empty.Ids);

        // The next append opens a fresh segment; garbage indices are never reused.
        var (again, segment) = empty.Append(Normal("m8"), Now, Limits);
        Assert.Equal(3, segment);
        Assert.Equal(8, again.Unapplied(1).Single().Sequence);
    }

    [Fact]
    public void Advance_MoreThanPending_Throws()
    {
        var (log, _) = PendingLog.Empty.Append(Normal("a"), Now, Limits);

        Assert.Throws<ArgumentOutOfRangeException>(() => log.Advance(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Advance(-1));
    }

    [Fact]
    public void Unapplied_WithMax_ReturnsTheFirstEntriesInAdmissionOrder()
    {
        var log = PendingLog.Empty;
        for (var i = 0; i < 5; i++)
        {
            (log, _) = log.Append(Normal($"m{i}"), Now, Limits);
        }

        Assert.Equal(["m0", "m1"], log.Unapplied(2).Select(e => e.Message.MessageId));
        Assert.Empty(log.Unapplied(0));
        Assert.Equal("m0", log.Oldest?.Message.MessageId);
        Assert.Equal("m1", log.Advance(1).Log.Oldest?.Message.MessageId);
    }

    [Fact]
    public void CanAdmit_AtTheLimits_SaysWhyNot()
    {
        var limits = new RecoveryLimits { MaxPendingEntries = 1, MaxPendingBytes = 1_000 };
        Assert.True(PendingLog.Empty.CanAdmit(1_000, limits, out var none));
        Assert.Null(none);
        Assert.False(PendingLog.Empty.CanAdmit(1_001, limits, out var bytes));
        Assert.Contains("MaxPendingBytes", bytes, StringComparison.Ordinal);

        var (one, _) = PendingLog.Empty.Append(Normal("a"), Now, limits);
        Assert.False(one.CanAdmit(1, limits, out var count));
        Assert.Contains("MaxPendingEntries", count, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageIdWindow_BeyondCapacity_ForgetsTheOldestAndRebuildsFromItsArray()
    {
        var window = MessageIdWindow.Empty(3);
        foreach (var hash in new ulong[] { 1, 2, 3, 2, 4 })
        {
            window = window.Add(hash);
        }

        Assert.Equal([2UL, 3UL, 4UL], window.ToArray());
        Assert.False(window.Contains(1));
        var rebuilt = MessageIdWindow.From(3, window.ToArray());
        Assert.Equal(window.ToArray(), rebuilt.ToArray());
        Assert.Equal(3, rebuilt.Count);
        Assert.Equal([3UL, 4UL], MessageIdWindow.From(2, window.ToArray()).ToArray());
    }

    private static string[] Sequence(PendingLog log) => [.. log.Unapplied(int.MaxValue).Select(e => e.Message.MessageId)];
}
