using System.Collections.Immutable;
using OrleansRecovery.Logic;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// Every decision of the recovery protocol, as a pure function from (state, input) to <see cref="Transition"/>: classify a
/// message by the persisted mode, park normal messages while recovering or while older ones are pending, apply recovery
/// messages, complete recovery, replay parked messages in order, answer duplicates and reject bad input. It performs no I/O:
/// the grain stores <see cref="Transition.Writes"/> and only then adopts <see cref="Transition.State"/> and answers.
/// </summary>
internal sealed partial class RecoveryStateMachine
{
    private readonly ITransactionLogic _logic;
    private readonly DeclaredMessageTypes _types;

    /// <summary>Creates a state machine over the application's logic.</summary>
    public RecoveryStateMachine(ITransactionLogic logic, RecoveryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(logic);
        ArgumentNullException.ThrowIfNull(limits);
        _logic = logic;
        _types = new DeclaredMessageTypes(logic.MessageTypes);
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
        DateTimeOffset now, Func<string> newRecoveryId, ScopeView? scopes = null) =>
        SubmitGroup(state, transactionId, [messages], now, newRecoveryId, scopes);

    /// <summary>
    /// Decides several submissions that arrived together (group commit), in arrival order, as one transition: exactly what
    /// deciding them one after the other would give, but with one group of writes. <see cref="Transition.Results"/> holds one
    /// answer per message, submission after submission; a submission over <see cref="RecoveryLimits.MaxBatchSize"/> is rejected
    /// whole and the others are still decided. <paramref name="scopes"/> holds the recovery scopes' states as the silo confirmed
    /// them (see <see cref="ScopesOf"/> for which to ask); a scope missing from it is unknown, and unknown parks (P11).
    /// </summary>
    public Transition SubmitGroup(TransactionState state, string transactionId,
        IReadOnlyList<IReadOnlyList<TransactionMessage?>> submissions, DateTimeOffset now, Func<string> newRecoveryId,
        ScopeView? scopes = null)
    {
        scopes ??= ScopeView.Empty;
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(newRecoveryId);

        var results = new List<SubmitResult>();
        var writes = WriteSet.None;
        RecoveryInfo? started = null;
        var completed = new List<RecoveryInfo>();
        var keyProblem = TransactionIds.Problem(transactionId); // the key is the same for the whole group: checked once
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
                var step = Decide(state, transactionId, keyProblem, message, now, newRecoveryId, scopes);
                state = step.State;
                var result = step.Results[0];
                results.Add(result.IsAccepted ? result with { Sequence = state.Counters.Processed + state.Counters.Queued } : result);
                writes = writes.Union(step.Writes);

                // The latest recovery started is the one to announce; an earlier one in the same group has completed already.
                started = step.StartedRecovery ?? started;
                completed.AddRange(step.Completed);
            }
        }

        return new Transition(state, results, writes, started) { Completed = completed };
    }

    /// <summary>Enters recovery (idempotent: while recovering, nothing changes and no write is needed).</summary>
    /// <exception cref="ArgumentException">The reason is empty or longer than <see cref="RecoveryLimits.MaxReasonLength"/>.</exception>
    /// <exception cref="ArgumentException">The transaction id is unusable (<see cref="TransactionIds"/>).</exception>
    public Transition BeginRecovery(TransactionState state, string transactionId, string reason, DateTimeOffset now, string recoveryId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > Limits.MaxReasonLength)
        {
            throw new ArgumentException(
                $"Recovery reason is {reason.Length} characters; the limit (MaxReasonLength) is {Limits.MaxReasonLength}.", nameof(reason));
        }

        if (TransactionIds.Problem(transactionId) is { } badKey)
        {
            throw new ArgumentException(badKey, nameof(transactionId));
        }

        if (state.Mode == TransactionMode.Recovering)
        {
            return new Transition(state, [], WriteSet.None, null);
        }

        if (state.Mode == TransactionMode.Faulted)
        {
            throw new InvalidOperationException(
                $"The transaction is faulted (message '{state.Fault?.Message.MessageId}' failed: {state.Fault?.Error}); retry or skip that message before beginning a recovery.");
        }

        var recovery = new RecoveryInfo(recoveryId, reason, now);
        return new Transition(Entering(state, recovery), [], new WriteSet { Header = true }, recovery);
    }

    /// <summary>
    /// Enters recovery as a member of campaign <paramref name="campaignId"/>. Idempotent per campaign: a transaction that already went
    /// through a recovery of this campaign is left unchanged (<see cref="Transition.AlreadyJoined"/>), so a resumed campaign never
    /// puts anyone in twice. A transaction already recovering joins the campaign with its current recovery (one header write).
    /// </summary>
    /// <exception cref="ArgumentException">The campaign id or reason is unusable, or the transaction id is.</exception>
    /// <exception cref="InvalidOperationException">The transaction is faulted.</exception>
    public Transition BeginCampaignRecovery(TransactionState state, string transactionId, string campaignId, string reason,
        DateTimeOffset now, string recoveryId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (TransactionIds.Problem(campaignId) is { } badCampaign)
        {
            throw new ArgumentException(badCampaign.Replace("Transaction id", "Campaign id", StringComparison.Ordinal), nameof(campaignId));
        }

        if (state.HasJoined(campaignId))
        {
            return new Transition(state, [], WriteSet.None, null) { AlreadyJoined = true };
        }

        if (state is { Mode: TransactionMode.Recovering, Recovery: { } current })
        {
            // Already recovering (on its own or for another campaign): it joins this campaign and completes once, with that recovery.
            var joined = state.Joining(campaignId) with
            {
                Recovery = current.CampaignId is null ? current with { CampaignId = campaignId } : current,
                LastRecoveryCampaignId = current.CampaignId ?? campaignId,
            };
            return new Transition(joined, [], new WriteSet { Header = true }, null);
        }

        var begun = BeginRecovery(state, transactionId, reason, now, recoveryId);
        var recovery = begun.State.Recovery! with { CampaignId = campaignId };
        return begun with { State = Entering(state, recovery), StartedRecovery = recovery };
    }

    /// <summary>
    /// The recovery scopes whose state a decision needs: the one the logic names for the transaction from its current data
    /// (none when it names none or an unusable one, which holds messages on its own). A decision that changes the data to another
    /// scope meets that scope as unknown, and parks.
    /// </summary>
    public IReadOnlyCollection<string> ScopesOf(string transactionId, object? data) =>
        LogicScope(transactionId, data) is { Scope: { } scope, Problem: null } ? [scope] : [];

    /// <summary>
    /// Applies up to <see cref="RecoveryLimits.ReplayBatchSize"/> parked entries in admission order, as one header write (data and
    /// new replay position together, so a crash resumes at the first unapplied entry). Stops early when an entry leaves the
    /// transaction in doubt (it becomes the subject of a new recovery) or when the logic throws for it (it is held as the fault
    /// of a <see cref="TransactionMode.Faulted"/> transaction); the rest stay parked.
    /// </summary>
    public Transition ReplayBatch(TransactionState state, DateTimeOffset now, Func<string> newRecoveryId) =>
        ReplayBatch(state, string.Empty, now, newRecoveryId, ScopeView.Empty);

    /// <summary>
    /// <see cref="ReplayBatch(TransactionState, DateTimeOffset, Func{string})"/> for transaction <paramref name="transactionId"/>,
    /// gated by its recovery scopes: before each entry is applied, an open scope this transaction has not yet recovered for starts
    /// that recovery (the entry stays parked), and a scope whose state is unknown stops the batch (<see cref="Transition.HeldBy"/>).
    /// </summary>
    public Transition ReplayBatch(TransactionState state, string transactionId, DateTimeOffset now, Func<string> newRecoveryId,
        ScopeView scopes)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(newRecoveryId);
        ArgumentNullException.ThrowIfNull(scopes);
        if (!state.ReplayDue)
        {
            return new Transition(state, [], WriteSet.None, null);
        }

        var effects = new QueuedEffects(state.Data, state.Counters, state.Rejections);
        var admitted = state.Admitted;
        var applied = 0;
        RecoveryInfo? started = null;
        RecoveryInfo? scopeRecovery = null;
        string? heldBy = null;
        (TransactionMessage Message, string Error)? faulted = null;
        foreach (var entry in state.Pending.Unapplied(Limits.ReplayBatchSize))
        {
            var message = entry.Message;
            var gate = Gate(state, transactionId, effects.Data, scopes, now, newRecoveryId);
            if (gate.HeldBy is { } held)
            {
                heldBy = held;
                break;
            }

            if (gate.Enter is { } entering)
            {
                scopeRecovery = entering;
                break;
            }

            applied++;
            admitted = admitted.Add(MessageIdHash.Of(message.MessageId));
            var outcome = ApplyQueued(effects, message, now, newRecoveryId);
            if (outcome.Error is { } error)
            {
                faulted = (message, error);
                break;
            }

            effects = outcome.Effects;
            if (outcome.Started is { } recovery)
            {
                started = recovery;
                break;
            }
        }

        if (applied == 0 && scopeRecovery is null)
        {
            return new Transition(state, [], WriteSet.None, null) { HeldBy = heldBy };
        }

        var (pending, garbage) = state.Pending.Advance(applied);
        var next = state with
        {
            Data = effects.Data,
            Admitted = admitted,
            Pending = pending,
            Counters = effects.Counters,
            Rejections = effects.Rejections,
        };
        if (effects.Counters.Replayed - state.Counters.Replayed is > 0 and var replayed)
        {
            next = Timeline.Record(next, Limits, now, TimelineEventKind.Replayed,
                $"replayed up to sequence {pending.ReplayPosition - 1}; {pending.Count} still parked", replayed);
        }

        if ((started ?? scopeRecovery) is { } begun)
        {
            next = Entering(next, begun);
            started = begun;
        }

        if (faulted is { } poison)
        {
            // The entry leaves the pending log in the same write that holds it as the fault: neither lost nor applied twice.
            next = Fault(next, poison.Message, poison.Error, 1, now);
        }

        var writes = new WriteSet { Header = true, Garbage = [.. garbage] };
        return new Transition(next, [], writes, started) { Replayed = applied };
    }

    /// <summary>
    /// Applies the held poison message of a <see cref="TransactionMode.Faulted"/> transaction again. Applied: back to Normal (the
    /// parked messages replay next). In doubt: a recovery starts with it as the subject. Refused by the logic: kept in the rejection
    /// history, back to Normal. Throws again: still faulted, one more attempt counted.
    /// </summary>
    /// <param name="state">The transaction's state.</param>
    /// <param name="now">The time of the retry.</param>
    /// <param name="newRecoveryId">Makes the id of a recovery the retry may start.</param>
    /// <param name="reason">An operator's reason (with their identity), kept in the timeline's entry; null for an automatic retry.</param>
    /// <exception cref="InvalidOperationException">The transaction is not faulted.</exception>
    public Transition RetryFault(TransactionState state, DateTimeOffset now, Func<string> newRecoveryId, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(newRecoveryId);
        if (reason is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(reason);
            if (reason.Length > Limits.MaxReasonLength)
            {
                throw new ArgumentException(
                    $"Retry reason is {reason.Length} characters; the limit (MaxReasonLength) is {Limits.MaxReasonLength}.", nameof(reason));
            }
        }

        var fault = RequireFault(state);
        var outcome = ApplyQueued(new QueuedEffects(state.Data, state.Counters, state.Rejections), fault.Message, now, newRecoveryId);
        if (outcome.Error is { } error)
        {
            var again = Timeline.Record(state with { Fault = fault with { Error = error, Attempts = fault.Attempts + 1 } }, Limits, now,
                TimelineEventKind.Retried, $"message {fault.Message.MessageId} failed again (attempt {fault.Attempts + 1}){Why(reason)}: {error}");
            return new Transition(again, [], new WriteSet { Header = true }, null);
        }

        var next = state with
        {
            Data = outcome.Effects.Data,
            Counters = outcome.Effects.Counters,
            Rejections = outcome.Effects.Rejections,
            Mode = TransactionMode.Normal,
            Fault = null,
        };
        var how = outcome.Started is not null ? "left the transaction in doubt"
            : outcome.Effects.Counters.Rejected > state.Counters.Rejected ? "was refused by the logic" : "was applied";
        next = Timeline.Record(next, Limits, now, TimelineEventKind.Retried,
            $"message {fault.Message.MessageId} {how} (attempt {fault.Attempts + 1}){Why(reason)}");
        if (outcome.Started is { } started)
        {
            next = Entering(next, started);
        }
        return new Transition(next, [], new WriteSet { Header = true }, outcome.Started);
    }

    /// <summary>
    /// Gives up on the held poison message: it is kept in the rejection history with the operator's reason and its last error,
    /// and the transaction returns to Normal (the parked messages replay next). Its id stays admitted: a redelivery is a duplicate.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction is not faulted.</exception>
    /// <exception cref="ArgumentException">The reason is empty or too long.</exception>
    public Transition SkipFault(TransactionState state, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > Limits.MaxReasonLength)
        {
            throw new ArgumentException(
                $"Skip reason is {reason.Length} characters; the limit (MaxReasonLength) is {Limits.MaxReasonLength}.", nameof(reason));
        }

        var fault = RequireFault(state);
        var skipped = Timeline.Record(state, Limits, now, TimelineEventKind.Skipped, $"message {fault.Message.MessageId}: {reason}") with
        {
            Mode = TransactionMode.Normal,
            Fault = null,
            Counters = state.Counters with { Rejected = state.Counters.Rejected + 1 },
            Rejections = Remember(state.Rejections, Rejection(fault.Message, RejectionCode.ApplicationError,
                $"Skipped by operator: {reason}. Last error after {fault.Attempts} attempt(s): {fault.Error}", now)),
        };
        return new Transition(skipped, [], new WriteSet { Header = true }, null);
    }

    private static FaultInfo RequireFault(TransactionState state) =>
        state is { Mode: TransactionMode.Faulted, Fault: { } fault }
            ? fault
            : throw new InvalidOperationException($"The transaction is not faulted (mode is {state.Mode}).");

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

    private Transition Decide(TransactionState state, string transactionId, string? keyProblem, TransactionMessage? message,
        DateTimeOffset now, Func<string> newRecoveryId, ScopeView scopes)
    {
        if (keyProblem is { } badKey)
        {
            // Nothing may be stored under an unusable key (it could alias another transaction's records): answer, write nothing.
            var counted = state with { Counters = state.Counters with { Rejected = state.Counters.Rejected + 1 } };
            return Answer(counted, SubmitResult.Rejected(message?.MessageId ?? string.Empty, RejectionCode.InvalidTransactionId, badKey),
                WriteSet.None);
        }

        if (MessageValidator.Validate(message, transactionId, Limits, out var payloadBytes) is { } invalid)
        {
            return Reject(state, message, invalid, now);
        }

        var idHash = MessageIdHash.Of(message!.MessageId);
        if (state.HasAdmitted(idHash))
        {
            var counted = state with { Counters = state.Counters with { Duplicate = state.Counters.Duplicate + 1 } };
            return Answer(counted, SubmitResult.Duplicate(message.MessageId), WriteSet.None);
        }

        if (_types.Problem(message) is { } undeclared)
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.ApplicationRejected, undeclared), now);
        }

        return message.Kind == MessageKind.Recovery
            ? DecideRecovery(state, message, idHash, now)
            : DecideNormal(state, transactionId, message, idHash, payloadBytes, now, newRecoveryId, scopes);
    }

    private Transition DecideRecovery(TransactionState state, TransactionMessage message, ulong idHash, DateTimeOffset now)
    {
        if (state.Mode == TransactionMode.Faulted)
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.NotRecovering,
                $"Recovery message rejected: the transaction is faulted (message '{state.Fault?.Message.MessageId}' failed); retry or skip it first."), now);
        }

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
        next = Timeline.Record(next, Limits, now, TimelineEventKind.RecoveryMessages, $"last: {message.MessageId} ({message.Type})", 1);
        if (completes)
        {
            next = Timeline.Record(next, Limits, now, TimelineEventKind.RecoveryCompleted,
                $"recovery {state.Recovery.RecoveryId} completed by {message.MessageId}; {next.Pending.Count} parked to replay", next.Pending.Count);
        }

        if (!completes)
        {
            return Answer(next, SubmitResult.Processed(message.MessageId), new WriteSet { Header = true });
        }

        return Answer(next, SubmitResult.Processed(message.MessageId) with { Reason = "Recovery completed." }, new WriteSet { Header = true })
            with { Completed = [state.Recovery] };
    }

    private Transition DecideNormal(TransactionState state, string transactionId, TransactionMessage message, ulong idHash,
        int payloadBytes, DateTimeOffset now, Func<string> newRecoveryId, ScopeView scopes)
    {
        if (state.Mode != TransactionMode.Normal || !state.Pending.IsEmpty)
        {
            return Park(state, message, payloadBytes, now, SubmitResult.Queued(message.MessageId));
        }

        // P11: a transaction of an open recovery scope enters that scope's recovery before anything is applied; one whose scope
        // state is unknown parks. Both park the message: it is applied by the replay, once the scope allows.
        var gate = Gate(state, transactionId, state.Data, scopes, now, newRecoveryId);
        if (gate.HeldBy is { } heldBy)
        {
            // With the header too: loading reads segments only under a header, and a transaction never stored has none yet, so
            // a segment written alone would be lost on reload although its message was acknowledged (P2, P8). Rare: the scope's
            // state could not be confirmed.
            var held = Park(state, message, payloadBytes, now, SubmitResult.Queued(message.MessageId) with
            {
                Reason = $"Parked: {heldBy}. It is applied once the scope's state is confirmed.",
            });
            return held.Results[0].Outcome == SubmitOutcome.Queued ? held with { Writes = held.Writes.Union(new WriteSet { Header = true }) } : held;
        }

        if (gate.Enter is { } scopeRecovery)
        {
            var parked = Park(Entering(state, scopeRecovery), message, payloadBytes, now, SubmitResult.Queued(message.MessageId) with
            {
                Reason = $"Parked: recovery scope '{scopeRecovery.Scope}' is open; recovery {scopeRecovery.RecoveryId} started.",
                StartedRecoveryId = scopeRecovery.RecoveryId,
            });
            return parked with { Writes = parked.Writes.Union(new WriteSet { Header = true }), StartedRecovery = scopeRecovery };
        }

        var decision = ApplyNormal(state.Data, message);
        if (decision.Threw)
        {
            var held = Fault(state with
            {
                Admitted = state.Admitted.Add(idHash),
                Counters = state.Counters with { Queued = state.Counters.Queued + 1 },
            }, message, decision.Reason!, 1, now, covers: 1);
            var answer = SubmitResult.Queued(message.MessageId) with
            {
                Reason = $"Held: the transaction logic failed ({decision.Reason}). The transaction is faulted; the message will be retried, later messages wait behind it.",
            };
            return Answer(held, answer, new WriteSet { Header = true });
        }

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
                var inDoubt = Entering(state with
                {
                    Data = decision.Data,
                    Admitted = state.Admitted.Add(idHash),
                    Counters = state.Counters with { Queued = state.Counters.Queued + 1 },
                }, recovery, covers: 1);
                var result = SubmitResult.Queued(message.MessageId) with
                {
                    Reason = $"In doubt: {decision.Reason} Recovery {recovery.RecoveryId} started; recovery decides this message's outcome.",
                    StartedRecoveryId = recovery.RecoveryId,
                };
                return new Transition(inDoubt, [result], new WriteSet { Header = true }, recovery);

            default:
                return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.ApplicationRejected, decision.Reason!), now);
        }
    }

    /// <summary>Appends a normal message to the pending log (one segment write) and answers <paramref name="answer"/>.</summary>
    private Transition Park(TransactionState state, TransactionMessage message, int payloadBytes, DateTimeOffset now, SubmitResult answer)
    {
        // Counted once: the payload was measured by validation, and the entry keeps this size for the log's accounting.
        var size = PendingEntry.EstimateBytes(message, payloadBytes);
        if (!state.Pending.CanAdmit(size, Limits, out var full))
        {
            return Reject(state, message, SubmitResult.Rejected(message.MessageId, RejectionCode.PendingLogFull, full!), now);
        }

        var (pending, segment) = state.Pending.Append(message, now, Limits, size);
        var parked = state with
        {
            Pending = pending,
            Counters = state.Counters with { Queued = state.Counters.Queued + 1 },
        };
        return Answer(parked, answer, new WriteSet { Segments = [segment] });
    }

    /// <summary>
    /// The state once <paramref name="recovery"/> has begun: recovering, remembering the campaign it belongs to, and saying so in
    /// the timeline (why, and through which scope, campaign or in-doubt message).
    /// </summary>
    private TransactionState Entering(TransactionState state, RecoveryInfo recovery, long covers = 0)
    {
        var next = state with
        {
            Mode = TransactionMode.Recovering,
            Recovery = recovery,
            LastRecoveryCampaignId = recovery.CampaignId,
        };
        next = Timeline.Record(next, Limits, recovery.Since, TimelineEventKind.RecoveryBegun, Timeline.Began(recovery), covers: covers);
        return recovery.CampaignId is { } campaign ? next.Joining(campaign) : next;
    }

    /// <summary>What the recovery scopes say about applying a normal message now: apply (default), hold it parked, or enter recovery.</summary>
    private readonly record struct ScopeGate(string? HeldBy, RecoveryInfo? Enter);

    private ScopeGate Gate(TransactionState state, string transactionId, object? data, ScopeView scopes, DateTimeOffset now,
        Func<string> newRecoveryId)
    {
        var (logicScope, problem) = LogicScope(transactionId, data);
        if (problem is not null)
        {
            return new ScopeGate(problem, null);
        }

        if (logicScope is { } scope)
        {
            var status = scopes[scope];
            if (status.Condition == ScopeCondition.Unknown)
            {
                return new ScopeGate($"the state of recovery scope '{scope}' could not be confirmed", null);
            }

            if (status is { Condition: ScopeCondition.Open, CampaignId: { } campaign } && !state.HasJoined(campaign))
            {
                var reason = MessageValidator.Truncate($"Recovery scope '{scope}' opened: {status.Reason}", Limits.MaxReasonLength);
                return new ScopeGate(null, new RecoveryInfo(newRecoveryId(), reason, now) { Scope = scope, CampaignId = campaign });
            }
        }

        return default;
    }

    /// <summary>The scope the logic names for the transaction, or why it cannot be used (then messages are held, never applied unchecked).</summary>
    private (string? Scope, string? Problem) LogicScope(string transactionId, object? data)
    {
        try
        {
            var scope = _logic.RecoveryScopeOf(transactionId, data);
            return scope is not null && RecoveryScopes.Problem(scope) is { } bad
                ? (null, $"the logic named an unusable recovery scope ({bad})")
                : (scope, null);
        }
        catch (Exception ex)
        {
            return (null, MessageValidator.Truncate($"the logic's RecoveryScopeOf failed ({ex.GetType().Name}: {ex.Message})", 1_024));
        }
    }

    private (NormalVerdict Verdict, object? Data, string? Reason, bool Threw) ApplyNormal(object? data, TransactionMessage message)
    {
        try
        {
            var decision = _logic.ApplyNormal(data, message);
            return (decision.Verdict, decision.Data, decision.Reason, false);
        }
        catch (Exception ex)
        {
            // A throwing logic is not a verdict on the message: it is held as a poison message, never dropped.
            return (NormalVerdict.Rejected, null, MessageValidator.Truncate($"{ex.GetType().Name}: {ex.Message}", 1_024), true);
        }
    }

    /// <summary>The parts of the state that applying a queued message changes.</summary>
    private readonly record struct QueuedEffects(object? Data, MessageCounters Counters, ImmutableList<RejectedMessage> Rejections);

    /// <summary>
    /// Applies a message that was already answered <c>Queued</c> (a parked entry on replay, or the held poison message on retry).
    /// Applied: its data, counted as replayed. In doubt: its data, and <c>Started</c> is a new recovery with it as the subject.
    /// Refused by the logic: kept in the rejection history. Threw: <c>Error</c> is set and the effects are unchanged, since the
    /// message is held as a fault rather than dropped.
    /// </summary>
    private (QueuedEffects Effects, RecoveryInfo? Started, string? Error) ApplyQueued(QueuedEffects effects, TransactionMessage message,
        DateTimeOffset now, Func<string> newRecoveryId)
    {
        var decision = ApplyNormal(effects.Data, message);
        if (decision.Threw)
        {
            return (effects, null, decision.Reason!);
        }

        switch (decision.Verdict)
        {
            case NormalVerdict.Applied:
                var counters = effects.Counters with { Replayed = effects.Counters.Replayed + 1 };
                return (effects with { Data = decision.Data, Counters = counters }, null, null);
            case NormalVerdict.InDoubt:
                var recovery = new RecoveryInfo(newRecoveryId(), decision.Reason!, now) { Subject = message };
                return (effects with { Data = decision.Data }, recovery, null);
            default:
                // Already answered Queued: the rejection is kept where an operator sees it, and the caller moves on.
                var refused = effects with
                {
                    Counters = effects.Counters with { Rejected = effects.Counters.Rejected + 1 },
                    Rejections = Remember(effects.Rejections, Rejection(message, RejectionCode.ApplicationRejected, decision.Reason!, now)),
                };
                return (refused, null, null);
        }
    }

    private TransactionState Fault(TransactionState state, TransactionMessage message, string error, int attempts, DateTimeOffset since,
        long covers = 0) =>
        Timeline.Record(state with
        {
            Mode = TransactionMode.Faulted,
            Fault = new FaultInfo(message, error, attempts, since),
        }, Limits, since, TimelineEventKind.Faulted, $"message {message.MessageId} ({message.Type}) held: {error}", covers: covers);

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

    private ImmutableList<RejectedMessage> Remember(ImmutableList<RejectedMessage> list, RejectedMessage record)
    {
        list = list.Add(record);
        return list.Count > Limits.RejectionHistory ? list.RemoveRange(0, list.Count - Limits.RejectionHistory) : list;
    }

    private static Transition Answer(TransactionState state, SubmitResult result, WriteSet writes) =>
        new(state, [result], writes, null);

    /// <summary>The retry's reason as the timeline shows it: after the outcome, so a cut text keeps what happened.</summary>
    private static string Why(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $"; retried because: {reason}";
}
