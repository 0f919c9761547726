namespace OrleansRecovery.Testing.Checking;

/// <summary>
/// A thread-safe log of what was sent and what was acknowledged, for <see cref="QueueChecker"/>. Every sender of a run shares one
/// history, so that the order of an acknowledgement and a later send is known across senders (one logical clock).
/// </summary>
/// <example>
/// <code>
/// var send = history.Begin(txId, message.MessageId, message.Kind, "sdk");
/// var result = await RetryAsync(() => client.SubmitAsync(txId, message), send.Retry);
/// send.Acknowledge(AckOutcomes.FromSubmitOutcome(result.Outcome));
/// </code>
/// </example>
public sealed class QueueHistory
{
    private readonly Lock _gate = new();
    private readonly List<Send> _sends = [];
    private long _clock;

    /// <summary>The number of messages begun so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sends.Count;
            }
        }
    }

    /// <summary>Records that the first attempt of a message is about to be sent, and returns its handle.</summary>
    /// <param name="transactionId">The transaction.</param>
    /// <param name="messageId">The message id; retries use the same handle.</param>
    /// <param name="kind">Normal or recovery.</param>
    /// <param name="sender">Who sends it (for reports).</param>
    /// <param name="expectEffect">Whether, once acknowledged, it must show in the statement (see <see cref="SentMessage.ExpectEffect"/>).</param>
    public Send Begin(string transactionId, string messageId, MessageKind kind = MessageKind.Normal, string sender = "",
        bool expectEffect = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var send = new Send(this, new SentMessage(transactionId, messageId)
        {
            Kind = kind,
            Sender = sender ?? string.Empty,
            ExpectEffect = expectEffect,
            InvokedAt = Tick(),
            Attempts = 1,
        });
        lock (_gate)
        {
            _sends.Add(send);
        }

        return send;
    }

    /// <summary>Everything recorded so far, in the order the messages were begun.</summary>
    public IReadOnlyList<SentMessage> Snapshot()
    {
        lock (_gate)
        {
            return [.. _sends.Select(s => s.Record)];
        }
    }

    private long Tick() => Interlocked.Increment(ref _clock);

    /// <summary>One message being sent: record retries and the final acknowledgement.</summary>
    public sealed class Send
    {
        private readonly QueueHistory _history;
        private SentMessage _record;

        internal Send(QueueHistory history, SentMessage record)
        {
            _history = history;
            _record = record;
        }

        /// <summary>The record as it stands.</summary>
        public SentMessage Record
        {
            get
            {
                lock (_history._gate)
                {
                    return _record;
                }
            }
        }

        /// <summary>Records one more attempt with the same message id.</summary>
        public void Retry()
        {
            lock (_history._gate)
            {
                _record = _record with { Attempts = _record.Attempts + 1 };
            }
        }

        /// <summary>Records the acknowledgement received (the last one wins; call it once per successful attempt).</summary>
        public void Acknowledge(AckOutcome outcome)
        {
            var at = _history.Tick();
            lock (_history._gate)
            {
                _record = _record with { Outcome = outcome, AcknowledgedAt = at };
            }
        }

        /// <summary>Changes whether the message must show in the statement (e.g. once the recovery decided an in-doubt message).</summary>
        public void ExpectEffect(bool expect)
        {
            lock (_history._gate)
            {
                _record = _record with { ExpectEffect = expect };
            }
        }
    }
}
