using System.Globalization;
using OrleansRecovery.Logic;
using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>A state machine over <see cref="CountingLogic"/> plus the state the caller adopted (as the grain would, after writing).</summary>
internal sealed class Harness
{
    public const string TransactionId = "tx-1";

    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private int _recoveries;

    public Harness(RecoveryLimits? limits = null, ITransactionLogic? logic = null)
    {
        Machine = new RecoveryStateMachine(logic ?? new CountingLogic(), limits ?? new RecoveryLimits());
        State = Machine.NewState(TransactionId);
    }

    public RecoveryStateMachine Machine { get; }

    public TransactionState State { get; set; }

    public TestData Data => (TestData)State.Data!;

    public IReadOnlyList<string> Applied => Data.Applied;

    public string NextRecoveryId() => "rec-" + (++_recoveries).ToString(CultureInfo.InvariantCulture);

    /// <summary>Decides the messages and adopts the new state.</summary>
    public Transition Submit(params TransactionMessage?[] messages) => Adopt(Decide(messages));

    /// <summary>Decides the messages without adopting the new state.</summary>
    public Transition Decide(params TransactionMessage?[] messages) =>
        Machine.Submit(State, TransactionId, messages, Now, NextRecoveryId);

    public Transition Begin(string reason = "operator asked") => Adopt(Machine.BeginRecovery(State, TransactionId, reason, Now, NextRecoveryId()));

    public Transition Replay() => Adopt(Machine.ReplayBatch(State, Now, NextRecoveryId));

    /// <summary>Replays until nothing is due (bounded), returning the number of replay transitions.</summary>
    public int ReplayAll(int maxSteps = 100_000)
    {
        var steps = 0;
        while (State.ReplayDue)
        {
            if (++steps > maxSteps)
            {
                throw new InvalidOperationException($"Replay did not finish within {maxSteps} steps.");
            }

            Replay();
        }

        return steps;
    }

    public Transition Adopt(Transition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        State = transition.State;
        return transition;
    }

    public static TransactionMessage Normal(string id, string type = "apply", string payload = "") =>
        TransactionMessage.Normal(id, type, payload);

    public static TransactionMessage Recovery(string id, string type = "fix", string? recoveryId = null) =>
        TransactionMessage.Recovery(id, type, string.Empty, recoveryId);
}
