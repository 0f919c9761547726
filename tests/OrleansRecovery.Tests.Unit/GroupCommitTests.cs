using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// Group commit in the state machine: deciding submissions together gives exactly the answers and the state that deciding
/// them one after the other gives, with one union of writes.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly string[] NormalTypes = ["apply", "apply", "apply", "in-doubt", "bad"];
    private static readonly string[] RecoveryTypes = ["fix", "done", "bad"];

    [Fact]
    public void AcceptedAnswers_CarryTheAdmissionSequence_DuplicatesAndRejectionsDoNot()
    {
        var harness = new Harness();
        var first = harness.Submit(Harness.Normal("a"), Harness.Normal("b"), Harness.Normal("a"), Harness.Normal("c", "bad")).Results;
        harness.Begin();
        var second = harness.Adopt(harness.Machine.SubmitGroup(harness.State, Harness.TransactionId,
            [[Harness.Normal("d")], [Harness.Recovery("r", "done"), Harness.Normal("e")]], Harness.Now, harness.NextRecoveryId)).Results;

        Assert.Equal([1L, 2L, null, null], first.Select(r => r.Sequence));
        Assert.Equal([SubmitOutcome.Queued, SubmitOutcome.Processed, SubmitOutcome.Queued], second.Select(r => r.Outcome));
        Assert.Equal([3L, 4L, 5L], second.Select(r => r.Sequence));
    }

    [Fact]
    public void SubmitGroup_CompletingOneRecoveryAndStartingAnother_ReportsTheCompletion()
    {
        // Recovering → Recovering by mode alone, yet the first recovery completed: the grain counts and logs it from Completed.
        var harness = new Harness();
        harness.Begin();
        var first = harness.State.Recovery!;
        var group = harness.Adopt(harness.Machine.SubmitGroup(harness.State, Harness.TransactionId,
            [[Harness.Recovery("r1", "done")], [Harness.Normal("n1", "in-doubt")]], Harness.Now, harness.NextRecoveryId));

        Assert.Equal(TransactionMode.Recovering, harness.State.Mode);
        Assert.Equal([first], group.Completed);
        Assert.NotNull(group.StartedRecovery);
        Assert.NotEqual(first.RecoveryId, group.StartedRecovery.RecoveryId);
        Assert.Equal(group.StartedRecovery, harness.State.Recovery);
    }

    [Fact]
    public void SubmitGroup_OfRandomSubmissions_AnswersAndEndsLikeDecidingThemOneByOne()
    {
        for (var seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            var limits = new RecoveryLimits { SegmentMaxEntries = 3, MaxBatchSize = 4 };
            var grouped = new Harness(limits);
            var single = new Harness(limits);
            var sent = new List<string>();
            for (var round = 0; round < 12; round++)
            {
                if (random.Next(5) == 0)
                {
                    grouped.Begin();
                    single.Begin();
                }

                var submissions = Enumerable.Range(0, random.Next(1, 6))
                    .Select(_ => (IReadOnlyList<TransactionMessage?>)Enumerable.Range(0, random.Next(1, 6))
                        .Select(_ => NextMessage(random, sent))
                        .ToArray())
                    .ToArray();

                var group = grouped.Adopt(grouped.Machine.SubmitGroup(grouped.State, Harness.TransactionId, submissions,
                    Harness.Now, grouped.NextRecoveryId));
                var oneByOne = submissions.Select(s => single.Submit([.. s])).ToList();

                var context = $"seed {seed}, round {round}";
                Assert.True(oneByOne.SelectMany(t => t.Results).SequenceEqual(group.Results), $"answers differ ({context})");
                var union = oneByOne.Aggregate(WriteSet.None, (w, t) => w.Union(t.Writes));
                Assert.True(union.Header == group.Writes.Header && union.Segments.SetEquals(group.Writes.Segments), $"writes differ ({context})");
                Assert.True(single.Applied.SequenceEqual(grouped.Applied), $"applied effects differ ({context})");
                Assert.True(oneByOne.SelectMany(t => t.Completed).SequenceEqual(group.Completed), $"completed recoveries differ ({context})");
                Assert.Equal(single.State.Mode, grouped.State.Mode);
                Assert.Equal(single.State.Pending.Count, grouped.State.Pending.Count);
                if (random.Next(3) == 0)
                {
                    grouped.ReplayAll();
                    single.ReplayAll();
                    Assert.True(single.Applied.SequenceEqual(grouped.Applied), $"replayed effects differ ({context})");
                }
            }
        }
    }

    [Fact]
    public void SubmitGroup_WithOneSubmissionOverTheBatchLimit_RejectsOnlyThatSubmission()
    {
        var h = new Harness(new RecoveryLimits { MaxBatchSize = 2 });
        IReadOnlyList<TransactionMessage?>[] submissions =
        [
            [Harness.Normal("a")],
            [Harness.Normal("b"), Harness.Normal("c"), Harness.Normal("d")],
            [Harness.Normal("e")],
        ];

        var t = h.Adopt(h.Machine.SubmitGroup(h.State, Harness.TransactionId, submissions, Harness.Now, h.NextRecoveryId));

        Assert.Equal(
            [SubmitOutcome.Processed, SubmitOutcome.Rejected, SubmitOutcome.Rejected, SubmitOutcome.Rejected, SubmitOutcome.Processed],
            t.Results.Select(r => r.Outcome));
        Assert.All(t.Results.Skip(1).Take(3), r => Assert.Equal(RejectionCode.BatchTooLarge, r.Code));
        Assert.Equal(["a", "e"], h.Applied);
        Assert.True(t.Writes.Header);
    }

    [Fact]
    public void SubmitGroup_StartingTwoRecoveries_AnnouncesOnlyTheCurrentOne()
    {
        var h = new Harness();
        IReadOnlyList<TransactionMessage?>[] submissions =
        [
            [Harness.Normal("x1", "in-doubt")],
            [Harness.Recovery("r1", "done")],
            [Harness.Normal("x2", "in-doubt")],
        ];

        var t = h.Adopt(h.Machine.SubmitGroup(h.State, Harness.TransactionId, submissions, Harness.Now, h.NextRecoveryId));

        Assert.Equal(TransactionMode.Recovering, h.State.Mode);
        Assert.NotNull(t.StartedRecovery);
        Assert.Equal(h.State.Recovery!.RecoveryId, t.StartedRecovery!.RecoveryId);
        Assert.Equal("x2", h.State.Recovery.Subject!.MessageId);
    }

    private static TransactionMessage NextMessage(Random random, List<string> sent)
    {
        if (sent.Count > 0 && random.Next(6) == 0)
        {
            var again = sent[random.Next(sent.Count)];
            return Harness.Normal(again);
        }

        var id = $"m{sent.Count}";
        sent.Add(id);
        return random.Next(4) == 0
            ? Harness.Recovery(id, RecoveryTypes[random.Next(RecoveryTypes.Length)])
            : Harness.Normal(id, NormalTypes[random.Next(NormalTypes.Length)]);
    }
}
