using OrleansRecovery.Testing.Checking;

namespace OrleansRecovery.Tests.Unit.Checking;

public sealed class QueueCheckerTests
{
    private const string Tx = "tx-1";

    private static Dictionary<string, IReadOnlyList<string>> Statements(params (string Tx, string[] Ids)[] statements) =>
        statements.ToDictionary(s => s.Tx, s => (IReadOnlyList<string>)s.Ids, StringComparer.Ordinal);

    /// <summary>Sends each message sequentially on one history (ack of one before the send of the next).</summary>
    private static QueueHistory Sequential(params (string Id, AckOutcome Outcome)[] messages)
    {
        var history = new QueueHistory();
        foreach (var (id, outcome) in messages)
        {
            history.Begin(Tx, id, sender: "sdk").Acknowledge(outcome);
        }

        return history;
    }

    [Fact]
    public void A_clean_history_passes_and_prints_the_summary_line()
    {
        var history = Sequential(("m1", AckOutcome.Processed), ("m2", AckOutcome.Queued), ("m3", AckOutcome.Queued));
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m1", "m2", "m3"])));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal("checker: sent=3 acked=3 applied=3 lost=0 duplicated=0 reordered=0 unexpected=0", result.Summary);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void An_acknowledged_message_missing_from_the_statement_is_lost()
    {
        var history = Sequential(("m1", AckOutcome.Processed), ("m2", AckOutcome.Queued), ("m3", AckOutcome.Duplicate));
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m1"])));

        Assert.Equal(2, result.Lost);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("lost: tx-1/m2", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Contains("lost: tx-1/m3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_published_stream_message_never_applied_is_lost_and_a_transaction_without_statement_counts_as_empty()
    {
        var history = new QueueHistory();
        history.Begin("tx-s", "s1", sender: "stream").Acknowledge(AckOutcome.Published);
        var result = QueueChecker.Check(history.Snapshot(), Statements());

        Assert.Equal(1, result.Lost);
        Assert.Equal(0, result.Applied);
    }

    [Fact]
    public void Unacknowledged_and_rejected_messages_are_never_lost()
    {
        var history = new QueueHistory();
        history.Begin(Tx, "m1");                                  // never answered: indeterminate
        history.Begin(Tx, "m2").Acknowledge(AckOutcome.Rejected); // refused
        history.Begin(Tx, "m3", expectEffect: false).Acknowledge(AckOutcome.Processed); // no effect of its own
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, [])));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(1, result.Indeterminate);
        Assert.Equal(1, result.Acknowledged); // m3 only: m2 was rejected, m1 never answered
    }

    [Fact]
    public void An_indeterminate_message_may_be_applied_once()
    {
        var history = new QueueHistory();
        history.Begin(Tx, "m1");
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m1"])));

        Assert.True(result.IsValid, result.Describe());
    }

    [Fact]
    public void An_id_applied_twice_is_duplicated_once_however_often_it_repeats()
    {
        var history = Sequential(("m1", AckOutcome.Processed), ("m2", AckOutcome.Processed));
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m1", "m2", "m1", "m1"])));

        Assert.Equal(1, result.Duplicated);
        Assert.Equal(0, result.Reordered);
        Assert.Equal(4, result.Applied);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void A_message_applied_ahead_of_one_acknowledged_before_it_was_sent_is_reordered()
    {
        var history = Sequential(("m1", AckOutcome.Queued), ("m2", AckOutcome.Queued), ("m3", AckOutcome.Queued));
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m2", "m1", "m3"])));

        Assert.Equal(1, result.Reordered);
        Assert.Contains(result.Problems, p => p.Contains("reordered: tx-1/m2", StringComparison.Ordinal) && p.Contains("before m1", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_message_applied_too_early_counts()
    {
        var history = Sequential(("m1", AckOutcome.Processed), ("m2", AckOutcome.Queued), ("m3", AckOutcome.Queued));
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["m3", "m2", "m1"])));

        Assert.Equal(2, result.Reordered); // m2 ahead of m1, m3 ahead of m2 and m1
    }

    [Fact]
    public void Concurrent_sends_may_be_applied_in_either_order()
    {
        var history = new QueueHistory();
        var a = history.Begin(Tx, "a");
        var b = history.Begin(Tx, "b"); // sent before a's acknowledgement: concurrent
        b.Acknowledge(AckOutcome.Queued);
        a.Acknowledge(AckOutcome.Queued);
        var result = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["b", "a"])));

        Assert.True(result.IsValid, result.Describe());
    }

    [Fact]
    public void Stream_publishes_and_recovery_messages_impose_no_order_but_a_stream_message_must_follow_earlier_admissions()
    {
        var history = new QueueHistory();
        history.Begin(Tx, "s1", sender: "stream").Acknowledge(AckOutcome.Published);
        history.Begin(Tx, "m1").Acknowledge(AckOutcome.Queued);
        history.Begin(Tx, "r1", MessageKind.Recovery).Acknowledge(AckOutcome.Processed);
        history.Begin(Tx, "s2", sender: "stream").Acknowledge(AckOutcome.Published);

        // s1 published before m1 may land after it; the recovery message r1 is applied ahead of the parked m1.
        var fine = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["r1", "m1", "s1", "s2"])));
        Assert.True(fine.IsValid, fine.Describe());

        // s2 was published after m1 was acknowledged Queued: it cannot be applied ahead of m1.
        var bad = QueueChecker.Check(history.Snapshot(), Statements((Tx, ["r1", "s2", "m1", "s1"])));
        Assert.Equal(1, bad.Reordered);
    }

    [Fact]
    public void Ids_never_sent_rejected_or_without_effect_are_unexpected()
    {
        var history = new QueueHistory();
        history.Begin(Tx, "m1").Acknowledge(AckOutcome.Processed);
        history.Begin(Tx, "bad").Acknowledge(AckOutcome.Rejected);
        history.Begin(Tx, "done", MessageKind.Recovery, expectEffect: false).Acknowledge(AckOutcome.Processed);
        history.Begin("tx-2", "other").Acknowledge(AckOutcome.Processed);
        var result = QueueChecker.Check(history.Snapshot(),
            Statements((Tx, ["m1", "ghost", "bad", "done", "other"]), ("tx-2", ["other"])));

        Assert.Equal(4, result.Unexpected); // ghost never sent, bad rejected, done has no effect, other belongs to tx-2
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
    }

    [Fact]
    public void Records_of_one_message_are_merged_keeping_the_earliest_send_and_admission()
    {
        var history = new QueueHistory();
        var first = history.Begin(Tx, "m1");
        first.Retry();
        first.Acknowledge(AckOutcome.Queued);
        history.Begin(Tx, "m2").Acknowledge(AckOutcome.Queued);
        history.Begin(Tx, "m1").Acknowledge(AckOutcome.Duplicate); // deliberately resent later
        var sent = history.Snapshot();

        var result = QueueChecker.Check(sent, Statements((Tx, ["m2", "m1"])));
        Assert.Equal(2, result.Sent);
        Assert.Equal(1, result.Retried);
        Assert.Equal(1, result.Reordered); // m1's first admission was acknowledged before m2 was sent

        Assert.Throws<ArgumentException>(() => QueueChecker.Check(
            [new SentMessage(Tx, "x"), new SentMessage(Tx, "x") { ExpectEffect = false }], Statements()));
    }

    [Fact]
    public void Problems_are_bounded()
    {
        var history = new QueueHistory();
        for (var i = 0; i < QueueChecker.MaxProblems + 20; i++)
        {
            history.Begin(Tx, $"m{i}").Acknowledge(AckOutcome.Processed);
        }

        var result = QueueChecker.Check(history.Snapshot(), Statements());
        Assert.Equal(QueueChecker.MaxProblems + 20, result.Lost);
        Assert.Equal(QueueChecker.MaxProblems, result.Problems.Count);
    }
}
