namespace OrleansRecovery.Testing.Checking;

/// <summary>
/// A total-queue checker in the style of Jepsen's: from what was sent and acknowledged, and each transaction's statement (the ids of
/// the applied effects, in applied order), it counts
/// <list type="bullet">
/// <item><b>lost</b>: the final acknowledgement promised the effect (<see cref="AckOutcomes.PromisesEffect"/>), the message is
/// expected to take effect (<see cref="SentMessage.ExpectEffect"/>), and its id is not in the statement;</item>
/// <item><b>duplicated</b>: an id appears more than once in one statement (counted once per id);</item>
/// <item><b>reordered</b>: a normal message B is applied before a normal message A of the same transaction although A's admission
/// was acknowledged (Processed, Queued or Duplicate) before B's first attempt was sent. Admission precedes its answer, and B's
/// admission follows its first send, so A was admitted first and must be applied first (the pending log applies in admission
/// order). For one sender sending sequentially, this is "the applied order follows the acknowledgement order". Stream
/// publishes can be the later message B, never the earlier A (their acknowledgement says nothing about admission); recovery
/// messages take no part (they are applied on arrival, ahead of parked messages). Counted once per message B;</item>
/// <item><b>unexpected</b>: an id in a statement that was never sent to that transaction, was answered Rejected, or was sent with
/// <see cref="SentMessage.ExpectEffect"/> false (counted once per id).</item>
/// </list>
/// Messages without a final acknowledgement are indeterminate: applied once or not at all, both are fine.
/// The checker is pure: it reads its inputs and returns a <see cref="QueueCheckResult"/>.
/// </summary>
public static class QueueChecker
{
    /// <summary>The most problems listed in <see cref="QueueCheckResult.Problems"/>.</summary>
    public const int MaxProblems = 50;

    /// <summary>Checks <paramref name="sent"/> against <paramref name="statements"/> (transaction id → applied message ids, in order).</summary>
    /// <param name="sent">What was sent. Several records for one transaction and message id are merged: the earliest send, the
    /// earliest acknowledgement that proves admission (else promises the effect, else any); they must agree on kind and expected effect.</param>
    /// <param name="statements">Each transaction's applied message ids in applied order. A transaction with messages sent but no
    /// entry here has an empty statement.</param>
    /// <exception cref="ArgumentException">Records of one message disagree on kind or expected effect.</exception>
    public static QueueCheckResult Check(IEnumerable<SentMessage> sent, IReadOnlyDictionary<string, IReadOnlyList<string>> statements)
    {
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(statements);
        var problems = new List<string>();
        void Problem(string text)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add(text);
            }
        }

        var messages = Merge(sent);
        int lost = 0, duplicated = 0, reordered = 0, unexpected = 0, applied = 0;
        var transactions = messages.Keys.Select(k => k.TransactionId).Concat(statements.Keys).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var tx in transactions)
        {
            var statement = statements.TryGetValue(tx, out var lines) && lines is not null ? lines : [];
            applied += statement.Count;

            // First position of each applied id, and ids seen twice.
            var position = new Dictionary<string, int>(StringComparer.Ordinal);
            var seenTwice = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < statement.Count; i++)
            {
                var id = statement[i];
                if (!position.TryAdd(id, i) && seenTwice.Add(id))
                {
                    duplicated++;
                    Problem($"duplicated: {tx}/{id} applied more than once (first at line {position[id]}, again at line {i}).");
                }
            }

            foreach (var id in position.Keys.OrderBy(k => position[k]))
            {
                if (!messages.TryGetValue((tx, id), out var m))
                {
                    unexpected++;
                    Problem($"unexpected: {tx}/{id} applied at line {position[id]} but never sent to this transaction.");
                }
                else if (m.Outcome == AckOutcome.Rejected)
                {
                    unexpected++;
                    Problem($"unexpected: {tx}/{id} applied at line {position[id]} but it was answered Rejected.");
                }
                else if (!m.ExpectEffect)
                {
                    unexpected++;
                    Problem($"unexpected: {tx}/{id} applied at line {position[id]} but it was sent as a message without an effect of its own.");
                }
            }

            var mine = messages.Values.Where(m => string.Equals(m.TransactionId, tx, StringComparison.Ordinal)).ToList();
            foreach (var m in mine.Where(m => m.Outcome.PromisesEffect() && m.ExpectEffect && !position.ContainsKey(m.MessageId))
                         .OrderBy(m => m.InvokedAt))
            {
                lost++;
                Problem($"lost: {tx}/{m.MessageId} ({m.Sender}) was acknowledged {m.Outcome} but never applied.");
            }

            reordered += CountReordered(tx, mine, position, Problem);
        }

        return new QueueCheckResult
        {
            Sent = messages.Count,
            Acknowledged = messages.Values.Count(m => m.Outcome.PromisesEffect()),
            Applied = applied,
            Lost = lost,
            Duplicated = duplicated,
            Reordered = reordered,
            Unexpected = unexpected,
            Indeterminate = messages.Values.Count(m => m.Outcome == AckOutcome.None),
            Retried = messages.Values.Count(m => m.Attempts > 1),
            Problems = problems,
        };
    }

    private static int CountReordered(string tx, List<SentMessage> mine, Dictionary<string, int> position, Action<string> problem)
    {
        // Earlier candidates A: normal, admission acknowledged, applied. Sorted by acknowledgement time, with the running
        // maximum of their positions, so "the latest-applied A acknowledged before time t" is one binary search.
        var earlier = mine
            .Where(m => m.Kind == MessageKind.Normal && m.Outcome.ProvesAdmission() && m.AcknowledgedAt is not null
                        && position.ContainsKey(m.MessageId))
            .OrderBy(m => m.AcknowledgedAt!.Value)
            .ToList();
        if (earlier.Count == 0)
        {
            return 0;
        }

        var ackTimes = earlier.Select(m => m.AcknowledgedAt!.Value).ToArray();
        var maxPosition = new int[earlier.Count];
        var argMax = new SentMessage[earlier.Count];
        for (var i = 0; i < earlier.Count; i++)
        {
            var p = position[earlier[i].MessageId];
            if (i == 0 || p > maxPosition[i - 1])
            {
                maxPosition[i] = p;
                argMax[i] = earlier[i];
            }
            else
            {
                maxPosition[i] = maxPosition[i - 1];
                argMax[i] = argMax[i - 1];
            }
        }

        var count = 0;
        foreach (var b in mine.Where(m => m.Kind == MessageKind.Normal && position.ContainsKey(m.MessageId)).OrderBy(m => m.InvokedAt))
        {
            // The last A acknowledged strictly before B was first sent.
            var index = Array.BinarySearch(ackTimes, b.InvokedAt);
            var last = (index >= 0 ? index : ~index) - 1;
            if (last < 0)
            {
                continue;
            }

            var bPosition = position[b.MessageId];
            if (maxPosition[last] > bPosition)
            {
                count++;
                var a = argMax[last];
                problem($"reordered: {tx}/{b.MessageId} ({b.Sender}) applied at line {bPosition}, before {a.MessageId} at line " +
                    $"{maxPosition[last]}, although {a.MessageId} was acknowledged {a.Outcome} before {b.MessageId} was sent.");
            }
        }

        return count;
    }

    private static Dictionary<(string TransactionId, string MessageId), SentMessage> Merge(IEnumerable<SentMessage> sent)
    {
        var merged = new Dictionary<(string, string), SentMessage>();
        foreach (var m in sent)
        {
            ArgumentNullException.ThrowIfNull(m);
            var key = (m.TransactionId, m.MessageId);
            if (!merged.TryGetValue(key, out var existing))
            {
                merged[key] = m;
                continue;
            }

            if (existing.Kind != m.Kind || existing.ExpectEffect != m.ExpectEffect)
            {
                throw new ArgumentException(
                    $"Records of {m.TransactionId}/{m.MessageId} disagree on kind ({existing.Kind}, {m.Kind}) or expected effect " +
                    $"({existing.ExpectEffect}, {m.ExpectEffect}).", nameof(sent));
            }

            var acknowledgement = Pick(existing, m);
            merged[key] = existing with
            {
                InvokedAt = Math.Min(existing.InvokedAt, m.InvokedAt),
                Outcome = acknowledgement.Outcome,
                AcknowledgedAt = acknowledgement.AcknowledgedAt,
                Attempts = existing.Attempts + m.Attempts,
                Sender = existing.Sender == m.Sender ? existing.Sender : existing.Sender + "+" + m.Sender,
            };
        }

        return merged;
    }

    private static SentMessage Pick(SentMessage x, SentMessage y)
    {
        // Prefer an acknowledgement that proves admission, then one that promises the effect, then any; the earliest such
        // acknowledgement is the strongest statement about order (admission happened before it).
        static int Rank(SentMessage m) => m.Outcome.ProvesAdmission() ? 2 : m.Outcome.PromisesEffect() ? 1 : 0;
        if (Rank(x) != Rank(y))
        {
            return Rank(x) > Rank(y) ? x : y;
        }

        return (x.AcknowledgedAt ?? long.MaxValue) <= (y.AcknowledgedAt ?? long.MaxValue) ? x : y;
    }
}
