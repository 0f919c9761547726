using OrleansRecovery.Logic;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// Every decision of the recovery protocol, as a pure function from (state, input) to <see cref="Transition"/>: classify a
/// message by the persisted mode, park normal messages while recovering or while older ones are pending, apply recovery
/// messages, complete recovery, replay parked messages in order, answer duplicates and reject bad input. It performs no I/O:
/// the grain stores <see cref="Transition.Writes"/> and only then adopts <see cref="Transition.State"/> and answers.
/// </summary>
public sealed class RecoveryStateMachine
{
    private readonly ITransactionLogic _logic;

    /// <summary>Creates a state machine over the application's logic.</summary>
    public RecoveryStateMachine(ITransactionLogic logic, RecoveryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(logic);
        ArgumentNullException.ThrowIfNull(limits);
        _logic = logic;
        Limits = limits;
    }

    /// <summary>The limits enforced.</summary>
    public RecoveryLimits Limits { get; }

    /// <summary>The state of a transaction that storage has never seen.</summary>
    public TransactionState NewState(string transactionId) =>
        TransactionState.New(_logic.CreateInitialData(transactionId), Limits);

    /// <summary>
    /// Decides a batch of messages, in order, as one transition (one group of writes). <paramref name="newRecoveryId"/> supplies
    /// the id of a recovery started by an in-doubt message.
    /// </summary>
    public Transition Submit(TransactionState state, string transactionId, IReadOnlyList<TransactionMessage?> messages,
        DateTimeOffset now, Func<string> newRecoveryId) =>
        SubmitGroup(state, transactionId, [messages], now, newRecoveryId);

    /// <summary>
    /// Decides several submissions that arrived together (group commit), in arrival order, as one transition: exactly what
    /// deciding them one after the other would give, but with one group of writes. <see cref="Transition.Results"/> holds one
    /// answer per message, submission after submission; a submission over <see cref="RecoveryLimits.MaxBatchSize"/> is rejected
    /// whole and the others are still decided.
    /// </summary>
    public Transition SubmitGroup(TransactionState state, string transactionId,
        IReadOnlyList<IReadOnlyList<TransactionMessage?>> submissions, DateTimeOffset now, Func<string> newRecoveryId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(newRecoveryId);

        var results = new List<SubmitResult>();
        var writes = WriteSet.None;
        RecoveryInfo? started = null;
        foreach (var messages in submissions)
        {
            ArgumentNullException.ThrowIfNull(messages);
            if (messages.Count > Limits.MaxBatchSize)
            {
                var rejected = RejectBatch(state, messages, now);
                state = rejected.State;
                results.AddRange(rejected.Results);
                writes = writes.Union(rejected.Writes);
                continue;
            }

            foreach (var message in messages)
            {
                var step = Decide(state, transactionId, message, now, newRecoveryId);
                state = step.State;
                results.Add(step.Results[0]);
                writes = writes.Union(step.Writes);

                // The latest recovery started is the one to announce; an earlier one in the same group has completed already.
                started = step.StartedRecovery ?? started;
            }
        }

        return new Transition(state, results, writes, started);
    }

    /// <summary>Enters recovery (idempotent: while recovering, nothing changes and no write is needed).</summary>
    /// <exception cref="ArgumentException">The reason is empty or longer than <see cref="RecoveryLimits.MaxReasonLength"/>.</exception>
    public Transition BeginRecovery(TransactionState state, string reason, DateTimeOffset now, string recoveryId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > Limits.MaxReasonLength)
        {
            throw new ArgumentException(
                $"Recovery reason is {reason.Length} characters; the limit (MaxReasonLength) is {Limits.MaxReasonLength}.", nameof(reason));
        }

        if (state.Mode == TransactionMode.Recovering)
        {
            return new Transition(state, [], WriteSet.None, null);
        }

        var recovery = new RecoveryInfo(recoveryId, reason, now);
        var next = state with { Mode = TransactionMode.Recovering, Recovery = recovery };
        return new Transition(next, [], new WriteSet { Header = true }, recovery);
    }

    /// <summary>
    /// Applies up to <see cref="RecoveryLimits.ReplayBatchSize"/> parked entries in admission order, as one header write (data and
    /// new replay position together, so a crash resumes at the first unapplied entry). Stops early when an entry leaves the
    /// transaction in doubt: that entry becomes the subject of a new recovery and the rest stay parked.
    /// </summary>
    public Transition ReplayBatch(TransactionState state, DateTimeOffset now, Func<string> newRecoveryId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(newRecoveryId);
        if (!state.ReplayDue)
        {
            return new Transition(state, [], WriteSet.None, null);
        }

        var data = state.Data;
        var admitted = state.Admitted;
        var counters = state.Counters;
        var rejections = state.Rejections;
        var applied = 0;
        RecoveryInfo? started = null;
        foreach (var entry in state.Pending.Unapplied(Limits.ReplayBatchSize))
        {
            var message = entry.Message;
            applied++;
            admitted = admitted.Add(MessageIdHash.Of(message.MessageId));
            var decision = ApplyNormal(data, message);
            switch (decision.Verdict)
            {
                case NormalVerdict.Applied:
                    data = decision.Data;
                    counters = counters with { Replayed = counters.Replayed + 1 };
                    continue;
                case NormalVerdict.InDoubt:
                    data = decision.Data;
                    started = new RecoveryInfo(newRecoveryId(), decision.Reason!, now) { Subject = message };
                    break;
                default:
                    // Already answered Queued: the rejection is kept where an operator sees it, and replay moves on.
                    counters = counters with { Rejected = counters.Rejected + 1 };
                    rejections = Remember(rejections, Rejection(message, decision.Code, decision.Reason!, now));
                    continue;
            }

            break;
        }

        var (pending, garbage) = state.Pending.Advance(applied);
        var next = state with
        {
            Data = data,
            Admitted = admitted,
            Pending = pending,
            Counters = counters,
            Rejections = rejections,
            Mode = started is null ? state.Mode : TransactionMode.Recovering,
            Recovery = started ?? state.Recovery,
        };
        var writes = new WriteSet { Header = true, Garbage = [.. garbage] };
        return new Transition(next, [], writes, started) { Replayed = applied };
    }

    /// <summary>
    /// Records an inbound event that is not a message at all (e.g. a stream event of a foreign type): counted and kept in the
    /// rejection history, nothing else changes.
    /// </summary>
    public Transition RejectEvent(TransactionState state, string description, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var rejection = SubmitResult.Rejected(string.Empty, RejectionCode.InvalidKind, description);
        return Reject(state, null, rejection, now);
    }

    private Transition Decide(TransactionState state, string transactionId, TransactionMessage? message,
        DateTimeOffset now, Func<string> newRecoveryId)
    {
        if (MessageValidator.Validate(message, transactionId, Limits) is { } invalid)
        {
            return Reject(state, message, invalid, now);
        }

        var idHash = MessageIdHash.Of(message!.MessageId);
        if (state.HasAdmitted(idHash))
        {
            var counted = state with { Counters = state.Counters with { Duplicate = state.Counters.Duplicate + 1 } };
            return Answer(counted, SubmitResult.Duplicate(message.MessageId), WriteSet.None);
        }

        return message.Kind == MessageKind.Recovery
            ? DecideRecovery(state, message, idHash, now)
            : DecideNormal(state, message, idHash, now, newRecoveryId);
    }

    private Transition DecideRecovery(TransactionState state, TransactionMessage message, ulong idHash, DateTimeOffset now)
    {
        if (state.Mode != TransactionMode.Recovering || state.Recovery is null)
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.NotRecovering,
                "Recovery message rejected: the transaction is not recovering (mode is Normal)."), now);
        }

        if (message.RecoveryId is { } named && !string.Equals(named, state.Recovery.RecoveryId, StringComparison.Ordinal))
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.StaleRecovery,
                $"Recovery message names recovery '{MessageValidator.Truncate(named)}', but the current recovery is '{state.Recovery.RecoveryId}'."), now);
        }

        RecoveryDecision decision;
        try
        {
            decision = _logic.ApplyRecovery(state.Data, message, state.Recovery);
        }
        catch (Exception ex)
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.ApplicationError,
                $"Recovery logic failed: {ex.GetType().Name}: {ex.Message}"), now);
        }

        if (decision.Verdict == RecoveryVerdict.Rejected)
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.ApplicationRejected,
                decision.Reason!), now);
        }

        var completes = decision.Verdict == RecoveryVerdict.Complete;
        var next = state with
        {
            Data = decision.Data,
            Admitted = state.Admitted.Add(idHash),
            Counters = state.Counters with { Processed = state.Counters.Processed + 1 },
            Mode = completes ? TransactionMode.Normal : TransactionMode.Recovering,
            Recovery = completes ? null : state.Recovery,
        };
        var result = completes
            ? SubmitResult.Processed(message.MessageId) with { Reason = "Recovery completed." }
            : SubmitResult.Processed(message.MessageId);
        return Answer(next, result, new WriteSet { Header = true });
    }

    private Transition DecideNormal(TransactionState state, TransactionMessage message, ulong idHash, DateTimeOffset now,
        Func<string> newRecoveryId)
    {
        if (state.Mode == TransactionMode.Recovering || !state.Pending.IsEmpty)
        {
            var size = PendingEntry.EstimateBytes(message);
            if (!state.Pending.CanAdmit(size, Limits, out var full))
            {
                return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.PendingLogFull, full!), now);
            }

            var (pending, segment) = state.Pending.Append(message, now, Limits);
            var parked = state with
            {
                Pending = pending,
                Counters = state.Counters with { Queued = state.Counters.Queued + 1 },
            };
            return Answer(parked, SubmitResult.Queued(message.MessageId), new WriteSet { Segments = [segment] });
        }

        var decision = ApplyNormal(state.Data, message);
        switch (decision.Verdict)
        {
            case NormalVerdict.Applied:
                var applied = state with
                {
                    Data = decision.Data,
                    Admitted = state.Admitted.Add(idHash),
                    Counters = state.Counters with { Processed = state.Counters.Processed + 1 },
                };
                return Answer(applied, SubmitResult.Processed(message.MessageId), new WriteSet { Header = true });

            case NormalVerdict.InDoubt:
                var recovery = new RecoveryInfo(newRecoveryId(), decision.Reason!, now) { Subject = message };
                var inDoubt = state with
                {
                    Data = decision.Data,
                    Admitted = state.Admitted.Add(idHash),
                    Counters = state.Counters with { Queued = state.Counters.Queued + 1 },
                    Mode = TransactionMode.Recovering,
                    Recovery = recovery,
                };
                var result = SubmitResult.Queued(message.MessageId) with
                {
                    Reason = $"In doubt: {decision.Reason} Recovery {recovery.RecoveryId} started; recovery decides this message's outcome.",
                    StartedRecoveryId = recovery.RecoveryId,
                };
                return new Transition(inDoubt, [result], new WriteSet { Header = true }, recovery);

            default:
                return Reject(state, message, SubmitResult.Rejected(message.MessageId, decision.Code, decision.Reason!), now);
        }
    }

    private (NormalVerdict Verdict, object? Data, string? Reason, RejectionCode Code) ApplyNormal(object? data, TransactionMessage message)
    {
        try
        {
            var decision = _logic.ApplyNormal(data, message);
            return (decision.Verdict, decision.Data, decision.Reason, RejectionCode.ApplicationRejected);
        }
        catch (Exception ex)
        {
            return (NormalVerdict.Rejected, null, $"Normal logic failed: {ex.GetType().Name}: {ex.Message}", RejectionCode.ApplicationError);
        }
    }

    private Transition RejectBatch(TransactionState state, IReadOnlyList<TransactionMessage?> messages, DateTimeOffset now)
    {
        var reason = $"Batch holds {messages.Count} messages; the limit (MaxBatchSize) is {Limits.MaxBatchSize}. Nothing was admitted.";
        var results = messages
            .Select(m => SubmitResult.Rejected(m?.MessageId ?? string.Empty, RejectionCode.BatchTooLarge, reason))
            .ToArray();
        var next = state with
        {
            Counters = state.Counters with { Rejected = state.Counters.Rejected + messages.Count },
            Rejections = Remember(state.Rejections, new RejectedMessage("(batch)", "(batch)", RejectionCode.BatchTooLarge, reason, now)),
        };
        return new Transition(next, results, new WriteSet { Header = true }, null);
    }

    private Transition Reject(TransactionState state, TransactionMessage? message, SubmitResult rejection, DateTimeOffset now)
    {
        var record = new RejectedMessage(
            MessageValidator.Truncate(message?.MessageId, Limits.MaxMessageIdLength),
            MessageValidator.Truncate(message?.Type, Limits.MaxTypeLength),
            rejection.Code, rejection.Reason!, now);
        var next = state with
        {
            Counters = state.Counters with { Rejected = state.Counters.Rejected + 1 },
            Rejections = Remember(state.Rejections, record),
        };

        // The rejection history is operator-visible and durable; nothing else changes.
        return Answer(next, rejection, new WriteSet { Header = true });
    }

    private static RejectedMessage Rejection(TransactionMessage message, RejectionCode code, string reason, DateTimeOffset now) =>
        new(message.MessageId, message.Type, code, reason, now);

    private System.Collections.Immutable.ImmutableList<RejectedMessage> Remember(
        System.Collections.Immutable.ImmutableList<RejectedMessage> list, RejectedMessage record)
    {
        list = list.Add(record);
        return list.Count > Limits.RejectionHistory ? list.RemoveRange(0, list.Count - Limits.RejectionHistory) : list;
    }

    private static Transition Answer(TransactionState state, SubmitResult result, WriteSet writes) =>
        new(state, [result], writes, null);
}
