using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

/// <summary>Reading one page of the pending log (<see cref="PendingLog.Page"/>, <see cref="PendingPages"/>): what operators page through.</summary>
public sealed class PendingPageTests
{
    [Fact]
    public void Page_AnyRangeOfALogWithUnevenSegments_EqualsTheUnappliedEntriesInOrder()
    {
        // Segments of 3 entries, with large payloads rolling some over early by bytes: segment sizes vary, as in storage.
        var limits = new RecoveryLimits { SegmentMaxEntries = 3, SegmentMaxBytes = 300 };
        var log = PendingLog.Empty;
        for (var i = 0; i < 40; i++)
        {
            var payload = i % 7 == 0 ? new string('p', 200) : "{}";
            (log, _) = log.Append(Normal($"m{i}", "apply", payload), Now, limits);
        }

        Assert.Contains(log.Segments, s => s.Entries.Count < 3);

        // Replay has applied some (part of a segment), so positions no longer start at sequence 0.
        (log, _) = log.Advance(5);
        var expected = log.Unapplied(int.MaxValue).ToList();
        Assert.Equal(35, expected.Count);
        for (var from = 0; from <= 36; from++)
        {
            foreach (var take in new[] { 1, 2, 3, 4, 7, 50 })
            {
                var page = log.Page(from, take);
                Assert.Equal(expected.Skip(from).Take(take).Select(e => e.Sequence), page.Select(e => e.Sequence));
            }
        }
    }

    [Fact]
    public void Page_OfAnEmptyLog_OrPastTheEnd_IsEmpty()
    {
        Assert.Empty(PendingLog.Empty.Page(0, 10));
        var (log, _) = PendingLog.Empty.Append(Normal("m0"), Now, new RecoveryLimits());
        Assert.Single(log.Page(0, 10));
        Assert.Empty(log.Page(1, 10));
        Assert.Empty(log.Page(0, 0));
    }

    [Fact]
    public void Read_GivesPositionsSizesExcerpts_AndTheNextPosition()
    {
        var harness = new Harness();
        harness.Begin();
        var longPayload = new string('x', PendingPage.ExcerptLength + 30);
        harness.Submit(Normal("a", "apply", "{\"amount\":1}"), Normal("b", "apply", longPayload), Normal("c", "apply", ""));

        var first = PendingPages.Read(harness.State, TransactionId, 0, 2);
        var second = PendingPages.Read(harness.State, TransactionId, 2, 2);

        Assert.Equal((TransactionMode.Recovering, 3L, 2L), (first.Mode, first.PendingCount, first.NextFrom));
        Assert.Equal(["a", "b"], first.Entries.Select(e => e.MessageId));
        Assert.Equal([0L, 1L], first.Entries.Select(e => e.Position));
        Assert.Equal(("{\"amount\":1}", false), (first.Entries[0].PayloadExcerpt, first.Entries[0].PayloadTruncated));
        Assert.Equal((longPayload[..PendingPage.ExcerptLength], true), (first.Entries[1].PayloadExcerpt, first.Entries[1].PayloadTruncated));
        Assert.Equal(PendingEntry.EstimateBytes(Normal("b", "apply", longPayload)), first.Entries[1].SizeBytes);
        Assert.Equal(Now, first.Entries[0].ParkedAt);
        Assert.Equal(["c"], second.Entries.Select(e => e.MessageId));
        Assert.Null(second.NextFrom);
    }

    [Fact]
    public void Read_ExcerptNeverSplitsASurrogatePair()
    {
        var harness = new Harness();
        harness.Begin();
        var payload = new string('x', PendingPage.ExcerptLength - 1) + "😀tail";
        harness.Submit(Normal("emoji", "apply", payload));

        var excerpt = PendingPages.Read(harness.State, TransactionId, 0, 1).Entries[0].PayloadExcerpt;

        Assert.Equal(PendingPage.ExcerptLength - 1, excerpt.Length);
        Assert.False(char.IsHighSurrogate(excerpt[^1]));
    }

    [Theory]
    [InlineData(-1, 10, "from is -1")]
    [InlineData(0, 0, "take is 0; a page holds 1 to 1000 entries")]
    [InlineData(0, PendingPage.MaxTake + 1, "take is 1001")]
    public void Read_OutOfRange_ThrowsNamingTheParameter(long from, int take, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PendingPages.Read(new Harness().State, TransactionId, from, take));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
