using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

/// <summary>The promises of docs/design.md ("Promises"), one group per promise, against the pure state machine.</summary>
public sealed class RecoveryStateMachineTests
{
    // ---------------------------------------------------------------- P1: load before deciding

    [Fact]
    public void Submit_OnStateRebuiltFromStorage_GivesTheSameAnswersAsTheLiveState()
    {
        var live = new Harness(new RecoveryLimits { SegmentMaxEntries = 2, ReplayBatchSize = 2 });
        var storage = new SimulatedStorage();
        void Step(Transition t)
        {
            storage.Store(t);
            storage.ClearGarbage(t.Writes);
        }

        Step(live.Submit(Normal("a")));
        Step(live.Begin());
        Step(live.Submit(Normal("b")));
        Step(live.Submit(Normal("c")));
        Step(live.Submit(Normal("d")));
        Step(live.Submit(Recovery("r1", "fix")));

        var reloaded = new Harness(live.Machine.Limits) { State = storage.Load(live.Machine, TransactionId) };
        Assert.Equal(TransactionMode.Recovering, reloaded.State.Mode);
        Assert.Equal(live.State.Recovery, reloaded.State.Recovery);
        Assert.Equal(live.Applied, reloaded.Applied);
        Assert.Equal(Ids(live.State.Pending), Ids(reloaded.State.Pending));
        Assert.Equal(live.State.Admitted.ToArray(), reloaded.State.Admitted.ToArray());

        // The same inputs, in the same order, get the same answers and leave the same data.
        TransactionMessage[] inputs =
        [
            Normal("a"), Normal("b"), Recovery("r1", "fix"), Normal("e"), Recovery("r2", "done"), Normal("f"), Recovery("r3", "fix"),
        ];
        foreach (var message in inputs)
        {
            var a = live.Submit(message);
            var b = reloaded.Submit(message);
            Assert.Equal(a.Results, b.Results);
            Assert.Equal(a.Writes.Header, b.Writes.Header);
            Assert.Equal(a.Writes.Segments, b.Writes.Segments);
        }

        live.ReplayAll();
        reloaded.ReplayAll();
        Assert.Equal(live.Applied, reloaded.Applied);
        Assert.Equal(["a", "R:r1", "R:r2", "b", "c", "d", "e", "f"], live.Applied);
    }

    [Fact]
    public void Submit_SameMessageOnNormalAndRecoveringState_IsClassifiedByTheStateGiven()
    {
        var normal = new Harness();
        var recovering = new Harness();
        recovering.Begin();

        var inNormal = normal.Decide(Normal("m"));
        var inRecovery = recovering.Decide(Normal("m"));

        Assert.Equal(SubmitOutcome.Processed, inNormal.Results[0].Outcome);
        Assert.Equal(SubmitOutcome.Queued, inRecovery.Results[0].Outcome);
    }

    [Fact]
    public void Load_AfterParkingWithoutHeaderWrite_KeepsTheQueuedCounter()
    {
        // MessageCounters promise "how many messages a transaction answered, by outcome, since it was created". Parking writes
        // only a segment, so the header's Queued count is stale and an activation after a restart under-reports it.
        var live = new Harness();
        var storage = new SimulatedStorage();
        storage.Store(live.Begin());
        storage.Store(live.Submit(Normal("a")));
        storage.Store(live.Submit(Normal("b")));

        var reloaded = storage.Load(live.Machine, TransactionId);

        Assert.Equal(2, live.State.Counters.Queued);
        Assert.Equal(live.State.Counters, reloaded.Counters);
    }

    // ---------------------------------------------------------------- P2: park normal messages during recovery

    [Fact]
    public void Submit_NormalWhileRecovering_IsQueuedInOneSegmentWriteAndNotApplied()
    {
        var h = new Harness();
        h.Submit(Normal("a"));
        h.Begin();
        var before = h.State;

        var t = h.Submit(Normal("b"));

        Assert.Equal(SubmitOutcome.Queued, Assert.Single(t.Results).Outcome);
        Assert.Equal(RejectionCode.None, t.Results[0].Code);
        Assert.False(t.Writes.Header);
        Assert.Single(t.Writes.Segments);
        Assert.Same(before.Data, t.State.Data);
        Assert.Equal(["a"], h.Applied);
        Assert.Equal(1, t.State.Pending.Count);
        Assert.Equal("b", Assert.Single(t.State.Pending.Unapplied(10)).Message.MessageId);
        Assert.Equal(TransactionMode.Recovering, t.State.Mode);
        Assert.Equal(1, t.State.Counters.Queued);
        Assert.Null(t.StartedRecovery);
    }

    [Fact]
    public void Submit_ManyNormalsWhileRecovering_AreParkedInAdmissionOrderWithConsecutiveSequences()
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 3 });
        h.Begin();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, h.Submit(Normal($"m{i}")).Results[0].Outcome);
        }

        var entries = h.State.Pending.Unapplied(int.MaxValue).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), entries.Select(e => e.Message.MessageId));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Empty(h.Applied);
    }

    // ---------------------------------------------------------------- P3: process recovery messages during recovery

    [Fact]
    public void Submit_RecoveryMessageWhileRecovering_IsProcessedWithAHeaderWriteAndStaysRecovering()
    {
        var h = new Harness();
        var recoveryId = h.Begin().State.Recovery!.RecoveryId;

        var t = h.Submit(Recovery("r1", "fix", recoveryId));

        Assert.Equal(SubmitOutcome.Processed, Assert.Single(t.Results).Outcome);
        Assert.True(t.Writes.Header);
        Assert.Empty(t.Writes.Segments);
        Assert.Equal(["R:r1"], h.Applied);
        Assert.Equal(TransactionMode.Recovering, t.State.Mode);
        Assert.Equal(recoveryId, t.State.Recovery?.RecoveryId);
        Assert.Equal(1, t.State.Counters.Processed);
    }

    [Fact]
    public void Submit_RecoveryMessageWithoutRecoveryId_IsProcessedAgainstTheCurrentRecovery()
    {
        var h = new Harness();
        h.Begin();

        var t = h.Submit(Recovery("r1", "fix"));

        Assert.Equal(SubmitOutcome.Processed, t.Results[0].Outcome);
    }

    // ---------------------------------------------------------------- P4: complete recovery

    [Fact]
    public void Submit_RecoveryMessageThatCompletes_SetsNormalInTheSameTransitionAsItsEffect()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("parked"));

        var t = h.Submit(Recovery("r-done", "done"));

        Assert.Equal(SubmitOutcome.Processed, t.Results[0].Outcome);
        Assert.True(t.Writes.Header);
        Assert.Equal(TransactionMode.Normal, t.State.Mode);
        Assert.Null(t.State.Recovery);
        Assert.Equal(["R:r-done"], ((TestData)t.State.Data!).Applied);
        Assert.True(t.State.ReplayDue);
        Assert.Equal(1, t.State.Pending.Count);
    }

    [Fact]
    public void Submit_CompletingRecoveryOfAnInDoubtSubject_LetsTheLogicSeeTheSubject()
    {
        var h = new Harness();
        h.Submit(Normal("x", "in-doubt"));

        h.Submit(Recovery("r-done", "done"));

        Assert.Contains("resolved:x", h.Data.Flags);
        Assert.Equal(TransactionMode.Normal, h.State.Mode);
    }

    // ---------------------------------------------------------------- P5: replay after recovery

    [Fact]
    public void ReplayBatch_AfterRecovery_AppliesInOrderAdvancesPositionWritesHeaderAndListsGarbage()
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 2, ReplayBatchSize = 2 });
        h.Begin();
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            h.Submit(Normal(id));
        }

        Assert.Equal([0L, 1L, 2L], h.State.Pending.Segments.Select(s => s.Index));
        h.Submit(Recovery("r", "done"));

        var first = h.Replay();
        Assert.Equal(2, first.Replayed);
        Assert.Empty(first.Results);
        Assert.True(first.Writes.Header);
        Assert.Empty(first.Writes.Segments);
        Assert.Equal([0L], first.Writes.Garbage);
        Assert.Equal(2, first.State.Pending.ReplayPosition);
        Assert.Equal(["R:r", "a", "b"], h.Applied);

        var second = h.Replay();
        Assert.Equal(2, second.Replayed);
        Assert.Equal([1L], second.Writes.Garbage);
        Assert.Equal(4, second.State.Pending.ReplayPosition);

        var third = h.Replay();
        Assert.Equal(1, third.Replayed);
        Assert.Equal([2L], third.Writes.Garbage);
        Assert.True(third.State.Pending.IsEmpty);
        Assert.False(third.State.ReplayDue);
        Assert.Equal(["R:r", "a", "b", "c", "d", "e"], h.Applied);
        Assert.Equal(5, h.State.Counters.Replayed);

        var idle = h.Replay();
        Assert.True(idle.Writes.IsEmpty);
        Assert.Equal(0, idle.Replayed);
    }

    [Fact]
    public void ReplayBatch_PartOfASegment_ListsNoGarbageUntilTheSegmentIsConsumed()
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 4, ReplayBatchSize = 3 });
        h.Begin();
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            h.Submit(Normal(id));
        }

        h.Submit(Recovery("r", "done"));
        var first = h.Replay();
        Assert.Equal(3, first.Replayed);
        Assert.Empty(first.Writes.Garbage);
        Assert.Equal(3, first.State.Pending.ReplayPosition);
        Assert.Equal(["d"], first.State.Pending.Unapplied(10).Select(e => e.Message.MessageId));
    }

    [Fact]
    public void ReplayBatch_WhileRecovering_DoesNothing()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("a"));

        var t = h.Replay();

        Assert.True(t.Writes.IsEmpty);
        Assert.Equal(0, t.Replayed);
        Assert.Empty(h.Applied);
    }

    [Fact]
    public void ReplayBatch_InDoubtEntry_StartsANewRecoveryWithThatEntryAsSubjectAndStops()
    {
        var h = new Harness(new RecoveryLimits { ReplayBatchSize = 10 });
        h.Begin();
        h.Submit(Normal("a"));
        h.Submit(Normal("b", "in-doubt"));
        h.Submit(Normal("c"));
        h.Submit(Recovery("r", "done"));

        var t = h.Replay();

        Assert.Equal(2, t.Replayed);
        Assert.True(t.Writes.Header);
        Assert.Equal(TransactionMode.Recovering, t.State.Mode);
        Assert.NotNull(t.StartedRecovery);
        Assert.Equal(t.StartedRecovery, t.State.Recovery);
        Assert.Equal("b", t.State.Recovery!.Subject?.MessageId);
        Assert.Equal(["R:r", "a", "b"], h.Applied);
        Assert.Equal(["c"], h.State.Pending.Unapplied(10).Select(e => e.Message.MessageId));
        Assert.Equal(SubmitOutcome.Duplicate, h.Decide(Normal("b", "in-doubt")).Results[0].Outcome);

        // Resolving the new recovery lets the rest replay.
        h.Submit(Recovery("r2", "done"));
        h.ReplayAll();
        Assert.Equal(["R:r", "a", "b", "R:r2", "c"], h.Applied);
        Assert.Contains("resolved:b", h.Data.Flags);
    }

    [Fact]
    public void ReplayBatch_RejectedEntry_IsCountedAndKeptForOperatorsAndReplayMovesOn()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("a"));
        h.Submit(Normal("bad1", "bad"));
        h.Submit(Normal("c"));
        h.Submit(Recovery("r", "done"));

        var t = h.Replay();

        Assert.Equal(3, t.Replayed);
        Assert.Equal(["R:r", "a", "c"], h.Applied);
        Assert.Equal(1, t.State.Counters.Rejected);
        Assert.Equal([("bad1", RejectionCode.ApplicationRejected)], t.State.Rejections.Select(r => (r.MessageId, r.Code)));
        Assert.True(t.State.Pending.IsEmpty);
    }

    [Fact]
    public void ReplayBatch_EntryWhoseLogicThrows_IsHeldAsTheFault_AndTheRestStayParked()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("a"));
        h.Submit(Normal("thrower", "throw"));
        h.Submit(Normal("c"));
        h.Submit(Recovery("r", "done"));

        var t = h.Replay();

        Assert.Equal(2, t.Replayed);
        Assert.Equal(TransactionMode.Faulted, t.State.Mode);
        Assert.Equal("thrower", t.State.Fault!.Message.MessageId);
        Assert.Contains(CountingLogic.ThrowMessage, t.State.Fault.Error, StringComparison.Ordinal);
        Assert.Equal(1, t.State.Fault.Attempts);
        Assert.Equal(["R:r", "a"], h.Applied);
        Assert.Equal(["c"], t.State.Pending.Unapplied(10).Select(e => e.Message.MessageId));
        Assert.False(t.State.ReplayDue);
        Assert.True(t.Writes.Header);

        // Held, not pending: still a duplicate.
        Assert.Equal(SubmitOutcome.Duplicate, h.Decide(Normal("thrower", "throw")).Results[0].Outcome);
    }

    [Fact]
    public void ReplayBatch_ReplayedIds_RemainDuplicatesAfterLeavingThePendingLog()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("a"));
        h.Submit(Recovery("r", "done"));
        h.ReplayAll();

        Assert.Equal(SubmitOutcome.Duplicate, h.Decide(Normal("a")).Results[0].Outcome);
    }

    [Fact]
    public void ReplayBatch_CrashAfterAnyBatch_ResumesAtTheFirstUnappliedEntryWithoutSkippingOrRepeating()
    {
        var limits = new RecoveryLimits { SegmentMaxEntries = 3, ReplayBatchSize = 2 };
        var h = new Harness(limits);
        var storage = new SimulatedStorage();
        storage.Store(h.Begin());
        for (var i = 0; i < 9; i++)
        {
            storage.Store(h.Submit(Normal($"m{i}")));
        }

        storage.Store(h.Submit(Recovery("r", "done")));

        // Each replay batch is written, then the silo dies (garbage not cleared) and the activation reloads from storage.
        var steps = 0;
        while (h.State.ReplayDue)
        {
            Assert.True(++steps < 100);
            storage.Store(h.Replay());
            h.State = storage.Load(h.Machine, TransactionId);
        }

        Assert.Equal(["R:r", .. Enumerable.Range(0, 9).Select(i => $"m{i}")], h.Applied);
    }

    // ---------------------------------------------------------------- P6: order

    [Fact]
    public void Submit_NormalInNormalModeWhilePendingNotEmpty_IsAppendedBehindAndNotApplied()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("a"));
        h.Submit(Recovery("r", "done"));
        Assert.True(h.State.ReplayDue);
        var before = h.State;

        var t = h.Submit(Normal("b"));

        Assert.Equal(SubmitOutcome.Queued, t.Results[0].Outcome);
        Assert.False(t.Writes.Header);
        Assert.Single(t.Writes.Segments);
        Assert.Same(before.Data, t.State.Data);
        Assert.Equal(["a", "b"], t.State.Pending.Unapplied(10).Select(e => e.Message.MessageId));

        h.ReplayAll();
        Assert.Equal(["R:r", "a", "b"], h.Applied);

        // Once the log is empty, normal messages are applied on arrival again.
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("c")).Results[0].Outcome);
        Assert.Equal(["R:r", "a", "b", "c"], h.Applied);
    }

    [Fact]
    public void Submit_Batch_DecidesInOrderAsOneTransitionWithTheUnionOfWrites()
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 2 });
        h.Begin();

        var t = h.Submit(Normal("a"), Normal("b"), Normal("c"), Recovery("r", "fix"), Normal("a"));

        Assert.Equal(
            [SubmitOutcome.Queued, SubmitOutcome.Queued, SubmitOutcome.Queued, SubmitOutcome.Processed, SubmitOutcome.Duplicate],
            t.Results.Select(r => r.Outcome));
        Assert.True(t.Writes.Header);
        Assert.Equal([0L, 1L], t.Writes.Segments);
    }

    // ---------------------------------------------------------------- P7: exactly-once effects

    [Fact]
    public void Submit_DuplicateOfAppliedNormal_IsDuplicateAndWritesNothing()
    {
        var h = new Harness();
        h.Submit(Normal("a"));

        AssertDuplicate(h, Normal("a"));
        AssertDuplicate(h, Normal("a", "in-doubt"));
        AssertDuplicate(h, Recovery("a", "fix"));
        Assert.Equal(["a"], h.Applied);
    }

    [Fact]
    public void Submit_DuplicateOfProcessedRecoveryMessage_IsDuplicateAndWritesNothing()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Recovery("r1", "fix"));

        AssertDuplicate(h, Recovery("r1", "fix"));
        AssertDuplicate(h, Recovery("r1", "done"));
        Assert.Equal(TransactionMode.Recovering, h.State.Mode);
        Assert.Equal(["R:r1"], h.Applied);
    }

    [Fact]
    public void Submit_DuplicateOfPendingNormal_IsDuplicateAndWritesNothing()
    {
        var h = new Harness();
        h.Begin();
        h.Submit(Normal("p"));

        AssertDuplicate(h, Normal("p"));
        Assert.Equal(1, h.State.Pending.Count);
    }

    [Fact]
    public void Submit_DuplicateOfInDoubtSubject_IsDuplicateAndWritesNothing()
    {
        var h = new Harness();
        h.Submit(Normal("x", "in-doubt"));

        AssertDuplicate(h, Normal("x", "in-doubt"));
        Assert.Equal(0, h.State.Pending.Count);
        Assert.Equal(["x"], h.Applied);
    }

    [Fact]
    public void Submit_DuplicateInsideOneBatch_IsAdmittedOnce()
    {
        var h = new Harness();

        var t = h.Submit(Normal("a"), Normal("a"));

        Assert.Equal([SubmitOutcome.Processed, SubmitOutcome.Duplicate], t.Results.Select(r => r.Outcome));
        Assert.Equal(["a"], h.Applied);
    }

    [Fact]
    public void Submit_DuplicateCountedAnswer_DoesNotTouchDataPendingOrWindow()
    {
        var h = new Harness();
        h.Submit(Normal("a"));
        var before = h.State;

        var t = h.Decide(Normal("a"));

        Assert.Same(before.Data, t.State.Data);
        Assert.Same(before.Pending, t.State.Pending);
        Assert.Same(before.Admitted, t.State.Admitted);
        Assert.Equal(before.Counters.Duplicate + 1, t.State.Counters.Duplicate);
    }

    [Fact]
    public void Submit_IdOlderThanTheDedupWindow_IsForgottenAndAdmittedAgain()
    {
        // Documented bound: DedupWindow applied/processed ids are remembered per transaction (besides every pending one).
        var h = new Harness(new RecoveryLimits { DedupWindow = 3 });
        foreach (var id in new[] { "a", "b", "c" })
        {
            h.Submit(Normal(id));
        }

        AssertDuplicate(h, Normal("a"));
        h.Submit(Normal("d"));

        Assert.Equal(3, h.State.Admitted.Count);
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("a")).Results[0].Outcome);
        Assert.Equal(["a", "b", "c", "d", "a"], h.Applied);
    }

    [Fact]
    public void Submit_PendingIdsBeyondTheDedupWindow_AreAllStillDuplicates()
    {
        var h = new Harness(new RecoveryLimits { DedupWindow = 2 });
        h.Begin();
        for (var i = 0; i < 6; i++)
        {
            h.Submit(Normal($"p{i}"));
        }

        for (var i = 0; i < 6; i++)
        {
            AssertDuplicate(h, Normal($"p{i}"));
        }
    }

    [Fact]
    public void Submit_CurrentRecoverySubjectAfterTheWindowMovedOn_IsStillDuplicate()
    {
        // P10: the in-doubt message is "neither dropped nor blindly re-applied"; its outcome is the recovery's to decide. While
        // that recovery is in progress, a resend of the subject must not be parked as a new message (and replayed later), even
        // when enough recovery messages passed to push the subject's id out of the dedup window.
        var h = new Harness(new RecoveryLimits { DedupWindow = 2 });
        var subject = Normal("x", "in-doubt");
        h.Submit(subject);
        h.Submit(Recovery("r1", "fix"));
        h.Submit(Recovery("r2", "fix"));
        Assert.Equal("x", h.State.Recovery?.Subject?.MessageId);

        var resend = h.Submit(subject);

        Assert.Equal(SubmitOutcome.Duplicate, resend.Results[0].Outcome);
        h.Submit(Recovery("r3", "done"));
        h.ReplayAll();
        Assert.Single(h.Applied, "x");
    }

    // ---------------------------------------------------------------- P8 (state side): transitions do not touch their input

    [Fact]
    public void Transitions_OfEveryKind_LeaveTheInputStateUntouched()
    {
        var h = new Harness(new RecoveryLimits { SegmentMaxEntries = 2 });
        h.Submit(Normal("a"));
        h.Begin();
        h.Submit(Normal("b"));
        h.Submit(Normal("c"));
        var state = h.State;
        var snapshot = Snapshot(state);

        h.Decide(Normal("d"));
        h.Decide(Recovery("r", "fix"));
        h.Decide(Recovery("r2", "done"), Normal("e"));
        h.Decide(Normal(string.Empty));
        h.Decide(Recovery("r3", "throw"));
        h.Machine.BeginRecovery(state, Harness.TransactionId, "again", Now, "rec-x");
        var completed = h.Machine.Submit(state, TransactionId, [Recovery("r4", "done")], Now, h.NextRecoveryId).State;
        var completedSnapshot = Snapshot(completed);
        h.Machine.ReplayBatch(completed, Now, h.NextRecoveryId);
        h.Machine.Submit(completed, TransactionId, [Normal("f")], Now, h.NextRecoveryId);

        Assert.Equal(snapshot, Snapshot(state));
        Assert.Equal(completedSnapshot, Snapshot(completed));
    }

    // ---------------------------------------------------------------- P9: bad input gets a clear answer and changes nothing

    public static TheoryData<string, RejectionCode, string> InvalidMessages => new()
    {
        { "null message", RejectionCode.InvalidMessageId, "null" },
        { "null id", RejectionCode.InvalidMessageId, "MessageId" },
        { "empty id", RejectionCode.InvalidMessageId, "MessageId" },
        { "blank id", RejectionCode.InvalidMessageId, "MessageId" },
        { "too long id", RejectionCode.InvalidMessageId, "MessageId" },
        { "control char in id", RejectionCode.InvalidMessageId, "MessageId" },
        { "lone surrogate in id", RejectionCode.InvalidMessageId, "MessageId" },
        { "unknown kind", RejectionCode.InvalidKind, "Kind 99" },
        { "empty type", RejectionCode.InvalidType, "Type" },
        { "too long type", RejectionCode.InvalidType, "Type" },
        { "null type", RejectionCode.InvalidType, "Type" },
        { "null payload", RejectionCode.InvalidPayload, "Payload" },
        { "oversized payload", RejectionCode.InvalidPayload, "MaxPayloadBytes" },
        { "other transaction", RejectionCode.TransactionMismatch, "other-tx" },
        { "too long recovery id", RejectionCode.StaleRecovery, "RecoveryId" },
    };

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public void Submit_InvalidMessageInNormalMode_IsRejectedWithCodeAndReasonAndChangesNothing(string scenario, RejectionCode code, string named)
    {
        var h = new Harness(new RecoveryLimits { MaxPayloadBytes = 16 });
        h.Submit(Normal("a"));

        AssertRejectedAndNothingChanged(h, BadMessage(scenario), code, named);
    }

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public void Submit_InvalidMessageWhileRecoveringWithPending_IsRejectedWithCodeAndReasonAndChangesNothing(
        string scenario, RejectionCode code, string named)
    {
        var h = new Harness(new RecoveryLimits { MaxPayloadBytes = 16 });
        h.Begin();
        h.Submit(Normal("p"));

        AssertRejectedAndNothingChanged(h, BadMessage(scenario), code, named);
    }

    [Fact]
    public void Submit_PayloadAtTheLimit_IsAccepted()
    {
        var h = new Harness(new RecoveryLimits { MaxPayloadBytes = 16 });

        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("a", "apply", new string('x', 16))).Results[0].Outcome);
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("b") with { TransactionId = TransactionId }).Results[0].Outcome);
    }

    [Fact]
    public void Submit_RecoveryMessageWhileNormal_IsRejectedNotRecovering()
    {
        var h = new Harness();
        h.Submit(Normal("a"));

        AssertRejectedAndNothingChanged(h, Recovery("r", "fix"), RejectionCode.NotRecovering, "not recovering");

        // Rejected ids are not admitted: the same id is processed once a recovery is in progress.
        h.Begin();
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Recovery("r", "fix")).Results[0].Outcome);
    }

    [Fact]
    public void Submit_RecoveryMessageNamingAnotherRecovery_IsRejectedStale()
    {
        var h = new Harness();
        var current = h.Begin().State.Recovery!.RecoveryId;

        AssertRejectedAndNothingChanged(h, Recovery("r", "fix", "rec-old"), RejectionCode.StaleRecovery, "rec-old");
        Assert.Contains(current, h.Decide(Recovery("r", "fix", "rec-old")).Results[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_BatchOverMaxBatchSize_RejectsEveryMessageAndAdmitsNothing()
    {
        var h = new Harness(new RecoveryLimits { MaxBatchSize = 3 });
        h.Submit(Normal("a"));
        var before = h.State;

        var t = h.Submit(Normal("b"), Normal("c"), null, Normal("d"));

        Assert.Equal(4, t.Results.Count);
        Assert.All(t.Results, r =>
        {
            Assert.Equal(SubmitOutcome.Rejected, r.Outcome);
            Assert.Equal(RejectionCode.BatchTooLarge, r.Code);
            Assert.Contains("MaxBatchSize", r.Reason, StringComparison.Ordinal);
        });
        Assert.Equal(["b", "c", string.Empty, "d"], t.Results.Select(r => r.MessageId));
        AssertUnchanged(before, t.State);
        Assert.Equal(before.Counters.Rejected + 4, t.State.Counters.Rejected);
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("b"), Normal("c"), Normal("d")).Results[2].Outcome);
    }

    [Fact]
    public void Submit_WhenPendingLogFullByCount_IsRejectedPendingLogFull()
    {
        var h = new Harness(new RecoveryLimits { MaxPendingEntries = 3 });
        h.Begin();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SubmitOutcome.Queued, h.Submit(Normal($"p{i}")).Results[0].Outcome);
        }

        AssertRejectedAndNothingChanged(h, Normal("p3"), RejectionCode.PendingLogFull, "MaxPendingEntries");

        // Recovery messages are not parked, so they still get through; so does a retry once the log drains.
        h.Submit(Recovery("r", "done"));
        h.ReplayAll();
        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("p3")).Results[0].Outcome);
    }

    [Fact]
    public void Submit_WhenPendingLogFullByBytes_IsRejectedPendingLogFull()
    {
        var entryBytes = PendingEntry.EstimateBytes(Normal("p0", "apply", "0123456789"));
        var h = new Harness(new RecoveryLimits { MaxPendingBytes = (2 * entryBytes) + 40 });
        h.Begin();
        h.Submit(Normal("p0", "apply", "0123456789"));
        h.Submit(Normal("p1", "apply", "0123456789"));

        AssertRejectedAndNothingChanged(h, Normal("p2", "apply", "0123456789"), RejectionCode.PendingLogFull, "MaxPendingBytes");
        Assert.Equal(SubmitOutcome.Queued, h.Submit(Normal("p3")).Results[0].Outcome);
    }

    [Fact]
    public void Submit_NormalTheLogicRejects_IsRejectedApplicationRejected()
    {
        var h = new Harness();
        h.Submit(Normal("a"));

        AssertRejectedAndNothingChanged(h, Normal("b", "bad"), RejectionCode.ApplicationRejected, CountingLogic.BadReason);
    }

    [Fact]
    public void Submit_NormalWhoseLogicThrows_IsHeldAsAPoisonMessage_AndLaterMessagesPark()
    {
        var h = new Harness();
        h.Submit(Normal("a"));
        var before = h.State;

        var t = h.Submit(Normal("b", "throw"));

        var result = Assert.Single(t.Results);
        Assert.Equal(SubmitOutcome.Queued, result.Outcome);
        Assert.Contains(CountingLogic.ThrowMessage, result.Reason, StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Faulted, t.State.Mode);
        Assert.Equal("b", t.State.Fault!.Message.MessageId);
        Assert.Same(before.Data, t.State.Data);
        Assert.True(t.Writes.Header);

        Assert.Equal(SubmitOutcome.Queued, h.Submit(Normal("c")).Results[0].Outcome);
        Assert.Equal(SubmitOutcome.Duplicate, h.Submit(Normal("b", "throw")).Results[0].Outcome);
        var recovery = h.Submit(Recovery("r", "fix")).Results[0];
        Assert.Equal(RejectionCode.NotRecovering, recovery.Code);
        Assert.Contains("faulted", recovery.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<InvalidOperationException>(() => h.Begin());
        Assert.Equal(["a"], h.Applied);
    }

    [Fact]
    public void RetryFault_WhileTheLogicStillThrows_CountsTheAttempt_AndStaysFaulted()
    {
        var h = new Harness();
        h.Submit(Normal("b", "throw"));

        var t = h.Adopt(h.Machine.RetryFault(h.State, Harness.Now, h.NextRecoveryId));

        Assert.Equal(TransactionMode.Faulted, t.State.Mode);
        Assert.Equal(2, t.State.Fault!.Attempts);
        Assert.True(t.Writes.Header);
    }

    [Fact]
    public void RetryFault_WhenTheLogicNowSucceeds_AppliesTheHeldMessage_ThenTheParkedOnesReplayInOrder()
    {
        var logic = new SwitchableLogic();
        var machine = new RecoveryStateMachine(logic, new RecoveryLimits());
        var state = machine.NewState(Harness.TransactionId);
        state = machine.Submit(state, Harness.TransactionId, [Normal("a")], Harness.Now, () => "r").State;
        logic.Throwing = true;
        state = machine.Submit(state, Harness.TransactionId, [Normal("b")], Harness.Now, () => "r").State;
        state = machine.Submit(state, Harness.TransactionId, [Normal("c")], Harness.Now, () => "r").State;
        Assert.Equal(TransactionMode.Faulted, state.Mode);

        logic.Throwing = false;
        state = machine.RetryFault(state, Harness.Now, () => "r").State;
        Assert.Equal(TransactionMode.Normal, state.Mode);
        Assert.Null(state.Fault);
        Assert.True(state.ReplayDue);
        state = machine.ReplayBatch(state, Harness.Now, () => "r").State;

        Assert.Equal(["a", "b", "c"], ((TestData)state.Data!).Applied);
        Assert.Equal(SubmitOutcome.Duplicate, machine.Submit(state, Harness.TransactionId, [Normal("b")], Harness.Now, () => "r").Results[0].Outcome);
    }

    [Fact]
    public void SkipFault_KeepsTheMessageInTheRejectionHistory_AndResumesNormal()
    {
        var h = new Harness();
        h.Submit(Normal("b", "throw"));
        h.Submit(Normal("c"));

        var t = h.Adopt(h.Machine.SkipFault(h.State, "known bad data", Harness.Now));

        Assert.Equal(TransactionMode.Normal, t.State.Mode);
        Assert.Null(t.State.Fault);
        var record = t.State.Rejections[^1];
        Assert.Equal("b", record.MessageId);
        Assert.Contains("known bad data", record.Reason, StringComparison.Ordinal);
        Assert.Contains(CountingLogic.ThrowMessage, record.Reason, StringComparison.Ordinal);
        h.ReplayAll();
        Assert.Equal(["c"], h.Applied);
        Assert.Equal(SubmitOutcome.Duplicate, h.Submit(Normal("b", "throw")).Results[0].Outcome);
        Assert.Throws<InvalidOperationException>(() => h.Machine.SkipFault(h.State, "again", Harness.Now));
        Assert.Throws<InvalidOperationException>(() => h.Machine.RetryFault(h.State, Harness.Now, h.NextRecoveryId));
    }

    /// <summary>A logic whose normal apply throws while <see cref="Throwing"/> is set (a bug fixed by a redeploy).</summary>
    private sealed class SwitchableLogic : OrleansRecovery.Logic.TransactionLogic<TestData>
    {
        private readonly CountingLogic _inner = new();

        public bool Throwing { get; set; }

        protected override TestData CreateInitialData(string transactionId) =>
            (TestData)((OrleansRecovery.Logic.ITransactionLogic)_inner).CreateInitialData(transactionId)!;

        protected override OrleansRecovery.Logic.NormalDecision ApplyNormal(TestData data, TransactionMessage message) =>
            Throwing
                ? throw new InvalidOperationException("downstream bug")
                : ((OrleansRecovery.Logic.ITransactionLogic)_inner).ApplyNormal(data, message);

        protected override OrleansRecovery.Logic.RecoveryDecision ApplyRecovery(TestData data, TransactionMessage message, RecoveryInfo recovery) =>
            ((OrleansRecovery.Logic.ITransactionLogic)_inner).ApplyRecovery(data, message, recovery);
    }

    [Fact]
    public void Submit_RecoveryTheLogicRejects_IsRejectedApplicationRejected()
    {
        var h = new Harness();
        h.Begin();

        AssertRejectedAndNothingChanged(h, Recovery("r", "bad"), RejectionCode.ApplicationRejected, CountingLogic.BadReason);
    }

    [Fact]
    public void Submit_RecoveryWhoseLogicThrows_IsRejectedApplicationError()
    {
        var h = new Harness();
        h.Begin();

        AssertRejectedAndNothingChanged(h, Recovery("r", "throw"), RejectionCode.ApplicationError, CountingLogic.ThrowMessage);
    }

    [Fact]
    public void Submit_ManyRejections_KeepsOnlyTheConfiguredHistoryNewestLast()
    {
        var h = new Harness(new RecoveryLimits { RejectionHistory = 3 });
        for (var i = 0; i < 5; i++)
        {
            h.Submit(Normal($"b{i}", "bad"));
        }

        Assert.Equal(["b2", "b3", "b4"], h.State.Rejections.Select(r => r.MessageId));
        Assert.Equal(5, h.State.Counters.Rejected);
    }

    [Fact]
    public void Submit_RejectedMessage_IsNotAdmittedSoACorrectedRetryWithTheSameIdIsApplied()
    {
        var h = new Harness();
        h.Submit(Normal("a", "bad"));

        Assert.Equal(SubmitOutcome.Processed, h.Submit(Normal("a")).Results[0].Outcome);
    }

    // ---------------------------------------------------------------- P10: entering recovery

    [Fact]
    public void BeginRecovery_InNormalMode_EntersRecoveryDurablyAndAnnouncesIt()
    {
        var h = new Harness();
        h.Submit(Normal("a"));

        var t = h.Begin("ledger mismatch");

        Assert.True(t.Writes.Header);
        Assert.Equal(TransactionMode.Recovering, t.State.Mode);
        Assert.NotNull(t.StartedRecovery);
        Assert.Equal(t.StartedRecovery, t.State.Recovery);
        Assert.Equal("ledger mismatch", t.State.Recovery!.Reason);
        Assert.Null(t.State.Recovery.Subject);
        Assert.Empty(t.Results);
    }

    [Fact]
    public void BeginRecovery_WhileRecovering_IsIdempotentWithNoWriteAndNoAnnouncement()
    {
        var h = new Harness();
        var first = h.Begin("first");

        var again = h.Begin("second");

        Assert.True(again.Writes.IsEmpty);
        Assert.Null(again.StartedRecovery);
        Assert.Same(first.State, again.State);
        Assert.Equal("first", again.State.Recovery!.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BeginRecovery_EmptyReason_Throws(string reason)
    {
        var h = new Harness();

        Assert.ThrowsAny<ArgumentException>(() => h.Begin(reason));
        Assert.Equal(TransactionMode.Normal, h.State.Mode);
    }

    [Fact]
    public void BeginRecovery_ReasonOverTheLimit_ThrowsNamingTheLimit()
    {
        var h = new Harness(new RecoveryLimits { MaxReasonLength = 10 });

        var ex = Assert.Throws<ArgumentException>(() => h.Begin(new string('r', 11)));

        Assert.Contains("MaxReasonLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_InDoubtNormal_BecomesTheSubjectOfANewRecoveryAndLaterNormalsParkBehindIt()
    {
        var h = new Harness();
        h.Submit(Normal("a"));
        var message = Normal("x", "in-doubt");

        var t = h.Submit(message);

        var result = Assert.Single(t.Results);
        Assert.Equal(SubmitOutcome.Queued, result.Outcome);
        Assert.True(t.Writes.Header);
        Assert.Empty(t.Writes.Segments);
        Assert.NotNull(t.StartedRecovery);
        Assert.Equal(t.StartedRecovery!.RecoveryId, result.StartedRecoveryId);
        Assert.Contains(t.StartedRecovery.RecoveryId, result.Reason, StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Recovering, t.State.Mode);
        Assert.Equal(message, t.State.Recovery!.Subject);
        Assert.Contains("timed out", t.State.Recovery.Reason, StringComparison.Ordinal);
        Assert.Equal(["a", "x"], h.Applied);

        AssertDuplicate(h, message);
        Assert.Equal(SubmitOutcome.Queued, h.Submit(Normal("b")).Results[0].Outcome);
        Assert.Equal(["a", "x"], h.Applied);

        // The announcement reaches no one twice: BeginRecovery now is a no-op.
        Assert.Null(h.Begin().StartedRecovery);

        h.Submit(Recovery("r", "done", t.StartedRecovery.RecoveryId));
        h.ReplayAll();
        Assert.Equal(["a", "x", "R:r", "b"], h.Applied);
    }

    [Fact]
    public void Submit_BatchWithInDoubtMessage_ReportsTheStartedRecoveryAndParksTheRest()
    {
        var h = new Harness();

        var t = h.Submit(Normal("a"), Normal("x", "in-doubt"), Normal("b"));

        Assert.Equal([SubmitOutcome.Processed, SubmitOutcome.Queued, SubmitOutcome.Queued], t.Results.Select(r => r.Outcome));
        Assert.NotNull(t.StartedRecovery);
        Assert.Equal("x", t.StartedRecovery!.Subject?.MessageId);
        Assert.True(t.Writes.Header);
        Assert.Single(t.Writes.Segments);
        Assert.Equal(["a", "x"], h.Applied);
    }

    // ---------------------------------------------------------------- crash between the records of one write (grain order)

    [Fact]
    public void Load_AfterCrashBetweenHeaderAndSegmentOfOneGroupCommit_ReplaysEveryStoredEntryExactlyOnceAndFinishes()
    {
        // A group commit (batch) in recovery parks "x" (segment write) and completes recovery (header write). The grain writes
        // the header first (WriteSet's documented order); the silo dies before the segment is written. Nothing was answered, so
        // losing "x" is allowed, but the reloaded log must be consistent: no phantom entry, no entry replayed twice.
        var h = new Harness(new RecoveryLimits { ReplayBatchSize = 1 });
        var storage = new SimulatedStorage();
        storage.Store(h.Submit(Normal("a")));
        storage.Store(h.Begin());

        var group = h.Decide(Normal("x"), Recovery("r", "done"));
        Assert.True(group.Writes.Header);
        Assert.Single(group.Writes.Segments);
        storage.Store(group, records: 1); // header only

        h.State = storage.Load(h.Machine, TransactionId);
        var phantom = $"reloaded Pending.Count={h.State.Pending.Count}, stored entries={h.State.Pending.Unapplied(int.MaxValue).Count()}";

        // The client retries "x" and sends "y"; both must be applied once, in order, and replay must end.
        h.Submit(Normal("x"));
        h.Submit(Normal("y"));
        var replays = 0;
        while (h.State.ReplayDue && replays < 20)
        {
            replays++;
            h.Replay();
        }

        Assert.True(
            h.Applied.SequenceEqual(["a", "R:r", "x", "y"]) && !h.State.ReplayDue,
            $"{phantom}; after {replays} replay batches ReplayDue={h.State.ReplayDue}, applied: {string.Join(",", h.Applied)}");
    }

    // ---------------------------------------------------------------- helpers

    private static TransactionMessage? BadMessage(string scenario) => scenario switch
    {
        "null message" => null,
        "null id" => new TransactionMessage(null!, MessageKind.Normal, "apply", string.Empty),
        "empty id" => Normal(string.Empty),
        "blank id" => Normal("   "),
        "too long id" => Normal(new string('i', 129)),
        "control char in id" => Normal("a\u0001b"),
        "lone surrogate in id" => Normal("a\ud800b"),
        "unknown kind" => new TransactionMessage("k", (MessageKind)99, "apply", string.Empty),
        "empty type" => Normal("t", string.Empty),
        "too long type" => Normal("t", new string('t', 129)),
        "null type" => new TransactionMessage("t", MessageKind.Normal, null!, string.Empty),
        "null payload" => new TransactionMessage("p", MessageKind.Normal, "apply", null!),
        "oversized payload" => Normal("p", "apply", new string('x', 17)),
        "other transaction" => Normal("o") with { TransactionId = "other-tx" },
        "too long recovery id" => Recovery("r", "fix", new string('r', 129)),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "unknown scenario"),
    };

    private static void AssertRejectedAndNothingChanged(Harness h, TransactionMessage? message, RejectionCode code, string named)
    {
        var before = h.State;

        var t = h.Submit(message);

        var result = Assert.Single(t.Results);
        Assert.Equal(SubmitOutcome.Rejected, result.Outcome);
        Assert.Equal(code, result.Code);
        Assert.False(result.IsAccepted);
        Assert.Contains(named, result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(message?.MessageId ?? string.Empty, result.MessageId);
        AssertUnchanged(before, t.State);
        Assert.Equal(before.Counters with { Rejected = before.Counters.Rejected + 1 }, t.State.Counters);

        // The rejection is kept where an operator sees it; that history is the only thing written.
        var record = t.State.Rejections[^1];
        Assert.Equal(code, record.Code);
        Assert.Equal(result.Reason, record.Reason);
        Assert.True(t.Writes.Header);
        Assert.Empty(t.Writes.Segments);
        Assert.Null(t.StartedRecovery);
    }

    private static void AssertUnchanged(TransactionState before, TransactionState after)
    {
        Assert.Equal(before.Mode, after.Mode);
        Assert.Equal(before.Recovery, after.Recovery);
        Assert.Same(before.Data, after.Data);
        Assert.Same(before.Pending, after.Pending);
        Assert.Same(before.Admitted, after.Admitted);
    }

    private static void AssertDuplicate(Harness h, TransactionMessage message)
    {
        var before = h.State;
        var t = h.Submit(message);
        Assert.Equal(SubmitOutcome.Duplicate, Assert.Single(t.Results).Outcome);
        Assert.True(t.Writes.IsEmpty);
        Assert.Empty(t.Writes.Garbage);
        AssertUnchanged(before, t.State);
    }

    private static string[] Ids(PendingLog log) => [.. log.Unapplied(int.MaxValue).Select(e => e.Message.MessageId)];

    private static string Snapshot(TransactionState s) =>
        string.Join("|",
            s.Mode, s.Recovery?.RecoveryId, string.Join(",", ((TestData)s.Data!).Applied), string.Join(",", s.Admitted.ToArray()),
            string.Join(",", Ids(s.Pending)), s.Pending.ReplayPosition, s.Pending.NextSequence, s.Pending.Bytes,
            string.Join(",", s.Pending.Segments.Select(seg => $"{seg.Index}:{seg.Entries.Count}:{seg.Bytes}")), s.Counters,
            s.Rejections.Count);
}
