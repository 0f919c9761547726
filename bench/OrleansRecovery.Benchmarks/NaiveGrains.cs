using OrleansRecovery.Ledger;
using OrleansRecovery.Logic;

namespace OrleansRecovery.Benchmarks;

/// <summary>
/// The "obvious" implementation a team would write by hand: one <see cref="IPersistentState{TState}"/> record holding the mode,
/// the application data and the pending list, and one <c>WriteStateAsync</c> per message. Same semantics as the engine for the
/// benchmark's traffic (park while recovering or while anything is pending, apply with the same <see cref="LedgerLogic"/>,
/// replay in order after completion), but no duplicate detection (which only makes it cheaper).
/// </summary>
[Alias("Bench.INaiveTransactionGrain")]
public interface INaiveTransactionGrain : IGrainWithStringKey
{
    /// <summary>Submits one message; one state write.</summary>
    [Alias("Submit")]
    Task<SubmitOutcome> SubmitAsync(TransactionMessage message);

    /// <summary>Appends parked messages with one state write (used only to fill the pending list quickly).</summary>
    [Alias("ParkMany")]
    Task ParkManyAsync(IReadOnlyList<TransactionMessage> messages);

    /// <summary>Enters recovery (one state write).</summary>
    [Alias("BeginRecovery")]
    Task BeginRecoveryAsync(string reason);

    /// <summary>Mode, pending count and statement length.</summary>
    [Alias("GetStatus")]
    Task<NaiveStatus> GetStatusAsync();
}

/// <summary>The naive grain on the Orleans binary storage serializer (same as the engine's wiring).</summary>
[Alias("Bench.INaiveBinaryGrain")]
public interface INaiveBinaryGrain : INaiveTransactionGrain;

/// <summary>
/// The naive grain again, on its own table: the many scenario's control arm. It stands where the engine stands in the schedule,
/// with a table of its own as the engine has, so naive-versus-control shows what the schedule alone does to a ratio.
/// </summary>
[Alias("Bench.INaiveControlGrain")]
public interface INaiveControlGrain : INaiveTransactionGrain;

/// <summary>The naive grain on Orleans' default storage serializer (Newtonsoft JSON with type names).</summary>
[Alias("Bench.INaiveJsonGrain")]
public interface INaiveJsonGrain : INaiveTransactionGrain;

/// <summary>What the naive grain reports.</summary>
[GenerateSerializer]
[Alias("Bench.NaiveStatus")]
public sealed record NaiveStatus(
    [property: Id(0)] TransactionMode Mode,
    [property: Id(1)] int PendingCount,
    [property: Id(2)] int Applied,
    [property: Id(3)] string? LastError);

/// <summary>The naive grain's single state record.</summary>
[GenerateSerializer]
[Alias("Bench.NaiveState")]
public sealed class NaiveState
{
    /// <summary>Normal or recovering.</summary>
    [Id(0)] public TransactionMode Mode { get; set; }

    /// <summary>Parked normal messages, in admission order.</summary>
    [Id(1)] public List<TransactionMessage> Pending { get; set; } = [];

    /// <summary>The ledger.</summary>
    [Id(2)] public LedgerData? Data { get; set; }

    /// <summary>The recovery in progress.</summary>
    [Id(3)] public RecoveryInfo? Recovery { get; set; }
}

/// <summary>Storage provider names of the naive grains.</summary>
public static class NaiveStorage
{
    /// <summary>Azure Table, Orleans binary serializer.</summary>
    public const string Binary = "naive-binary";

    /// <summary>Azure Table, binary serializer, own table: the control arm.</summary>
    public const string Control = "naive-control";

    /// <summary>Azure Table, default (JSON) serializer.</summary>
    public const string Json = "naive-json";
}

/// <summary>Shared body of the naive grains.</summary>
public abstract class NaiveTransactionGrainBase : Grain, INaiveTransactionGrain
{
    private const int ReplayChunk = 64;
    private readonly IPersistentState<NaiveState> _state;
    private readonly ITransactionLogic _logic;
    private IGrainTimer? _replay;
    private string? _lastError;

    /// <summary>Creates the grain.</summary>
    protected NaiveTransactionGrainBase(IPersistentState<NaiveState> state, ITransactionLogic logic)
    {
        _state = state;
        _logic = logic;
    }

    private NaiveState S => _state.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        S.Data ??= (LedgerData?)_logic.CreateInitialData(this.GetPrimaryKeyString());
        if (S.Mode == TransactionMode.Normal && S.Pending.Count > 0)
        {
            StartReplay();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<SubmitOutcome> SubmitAsync(TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == MessageKind.Normal)
        {
            if (S.Mode == TransactionMode.Recovering || S.Pending.Count > 0)
            {
                S.Pending.Add(message);
                await WriteOrUndoAsync(() => S.Pending.RemoveAt(S.Pending.Count - 1));
                return SubmitOutcome.Queued;
            }

            var decision = _logic.ApplyNormal(S.Data, message);
            if (decision.Verdict != NormalVerdict.Applied)
            {
                return SubmitOutcome.Rejected;
            }

            var before = S.Data;
            S.Data = (LedgerData?)decision.Data;
            await WriteOrUndoAsync(() => S.Data = before);
            return SubmitOutcome.Processed;
        }

        if (S.Mode != TransactionMode.Recovering || S.Recovery is null)
        {
            return SubmitOutcome.Rejected;
        }

        var recovery = _logic.ApplyRecovery(S.Data, message, S.Recovery);
        if (recovery.Verdict == RecoveryVerdict.Rejected)
        {
            return SubmitOutcome.Rejected;
        }

        var (data, mode, info) = (S.Data, S.Mode, S.Recovery);
        S.Data = (LedgerData?)recovery.Data;
        if (recovery.Verdict == RecoveryVerdict.Complete)
        {
            S.Mode = TransactionMode.Normal;
            S.Recovery = null;
        }

        await WriteOrUndoAsync(() => (S.Data, S.Mode, S.Recovery) = (data, mode, info));
        if (S.Mode == TransactionMode.Normal && S.Pending.Count > 0)
        {
            StartReplay();
        }

        return SubmitOutcome.Processed;
    }

    /// <inheritdoc />
    public async Task ParkManyAsync(IReadOnlyList<TransactionMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var count = S.Pending.Count;
        S.Pending.AddRange(messages);
        await WriteOrUndoAsync(() => S.Pending.RemoveRange(count, S.Pending.Count - count));
    }

    /// <inheritdoc />
    public async Task BeginRecoveryAsync(string reason)
    {
        if (S.Mode == TransactionMode.Recovering)
        {
            return;
        }

        S.Mode = TransactionMode.Recovering;
        S.Recovery = new RecoveryInfo(Guid.NewGuid().ToString("N"), reason, DateTimeOffset.UtcNow);
        await WriteOrUndoAsync(() => (S.Mode, S.Recovery) = (TransactionMode.Normal, null));
    }

    /// <inheritdoc />
    public Task<NaiveStatus> GetStatusAsync() =>
        Task.FromResult(new NaiveStatus(S.Mode, S.Pending.Count, S.Data?.Statement.Count ?? 0, _lastError));

    private async Task WriteOrUndoAsync(Action undo)
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // The provider leaves the new state in memory after a failed write; put the old one back.
            undo();
            _lastError = $"{ex.GetType().Name}: {ex.Message}";
            throw new NaiveWriteFailedException(_lastError, S.Pending.Count);
        }
    }

    private void StartReplay() =>
        _replay ??= this.RegisterGrainTimer(
            static (grain, _) => grain.ReplayChunkAsync(),
            this,
            new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });

    private async Task ReplayChunkAsync()
    {
        // The obvious replay: apply the head entry, remove it, write the whole record; repeat.
        for (var i = 0; i < ReplayChunk && S.Pending.Count > 0; i++)
        {
            var head = S.Pending[0];
            var decision = _logic.ApplyNormal(S.Data, head);
            var before = S.Data;
            if (decision.Verdict == NormalVerdict.Applied)
            {
                S.Data = (LedgerData?)decision.Data;
            }

            S.Pending.RemoveAt(0);
            try
            {
                await WriteOrUndoAsync(() =>
                {
                    S.Pending.Insert(0, head);
                    S.Data = before;
                });
            }
            catch (NaiveWriteFailedException)
            {
                return; // retried on the next tick
            }
        }

        if (S.Pending.Count == 0)
        {
            _replay?.Dispose();
            _replay = null;
        }
    }
}

/// <summary>The naive grain on <see cref="NaiveStorage.Binary"/>.</summary>
public sealed class NaiveBinaryGrain(
    [PersistentState("naive", NaiveStorage.Binary)] IPersistentState<NaiveState> state, ITransactionLogic logic)
    : NaiveTransactionGrainBase(state, logic), INaiveBinaryGrain;

/// <summary>The naive grain on <see cref="NaiveStorage.Control"/>.</summary>
public sealed class NaiveControlGrain(
    [PersistentState("naive", NaiveStorage.Control)] IPersistentState<NaiveState> state, ITransactionLogic logic)
    : NaiveTransactionGrainBase(state, logic), INaiveControlGrain;

/// <summary>The naive grain on <see cref="NaiveStorage.Json"/>.</summary>
public sealed class NaiveJsonGrain(
    [PersistentState("naive", NaiveStorage.Json)] IPersistentState<NaiveState> state, ITransactionLogic logic)
    : NaiveTransactionGrainBase(state, logic), INaiveJsonGrain;

/// <summary>A naive grain's state write failed (e.g. the record grew past what Azure Table accepts).</summary>
[GenerateSerializer]
[Alias("Bench.NaiveWriteFailedException")]
public sealed class NaiveWriteFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NaiveWriteFailedException(string message, int pendingCount)
        : base(message) => PendingCount = pendingCount;

    /// <summary>Creates the exception.</summary>
    public NaiveWriteFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NaiveWriteFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NaiveWriteFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Pending entries stored when the write failed.</summary>
    [Id(0)] public int PendingCount { get; init; }
}
