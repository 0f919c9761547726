using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRecovery.Ledger;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// The header is rewritten with every message, so its size is paid on every storage write (issue 5, scenario "many": a 20-line
/// ledger). Layout 1 stored it in 554 bytes; layout 2 omits default fields (and reads, and is read by, layout 1).
/// </summary>
public sealed class HeaderSizeTests
{
    private const string TransactionId = "many-o1-123";
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b
            .AddAssembly(typeof(TransactionMessage).Assembly)
            .AddAssembly(typeof(TransactionHeaderRecord).Assembly)
            .AddAssembly(typeof(LedgerData).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void HeaderOfATwentyMessageLedger_StaysCompact()
    {
        var header = TransactionRecords.ToHeader(TwentyCredits());

        var bytes = new ExactSizeGrainStorageSerializer(Serializer).Serialize(header).ToArray();

        // 534 bytes today (554 in layout 1): 160 of them are the 20 window ids, most of the rest is the ledger itself.
        Assert.InRange(bytes.Length, 1, 540);
    }

    [Fact]
    public void ExactSizeSerializer_WritesWhatOrleansGrainStorageSerializerWrites_AndReadsIt()
    {
        var header = TransactionRecords.ToHeader(TwentyCredits());
        var exact = new ExactSizeGrainStorageSerializer(Serializer);

        var ours = exact.Serialize(header).ToArray();
        var stock = new OrleansGrainStorageSerializer(Serializer).Serialize(header).ToArray();

        Assert.Equal(stock, ours);
        var back = exact.Deserialize<TransactionHeaderRecord>(BinaryData.FromBytes(stock));
        Assert.NotNull(back);
        Assert.Equal(header.Admitted, back.Admitted);
        Assert.Equal(20, Assert.IsType<LedgerData>(back.Data).Statement.Count);
    }

    [Fact]
    public void HeaderRoundTrip_KeepsTheDedupWindowInOrder_AndOmittedFieldsReadAsDefaults()
    {
        var limits = new RecoveryLimits();
        var state = TwentyCredits();
        var exact = new ExactSizeGrainStorageSerializer(Serializer);

        var stored = exact.Deserialize<TransactionHeaderRecord>(exact.Serialize(TransactionRecords.ToHeader(state)));
        var reloaded = TransactionRecords.ToState(stored, [], limits, () => null);

        Assert.Equal(TransactionHeaderRecord.CurrentSchemaVersion, stored!.SchemaVersion);
        Assert.Equal(20, stored.Admitted.Length);
        Assert.Equal(state.Admitted.ToArray(), reloaded.Admitted.ToArray());
        Assert.Equal(state.Counters, reloaded.Counters);
        Assert.Equal(TransactionMode.Normal, reloaded.Mode);
        Assert.Null(reloaded.Recovery);
        Assert.Null(reloaded.Fault);
        Assert.Empty(reloaded.Rejections);
        Assert.True(reloaded.Pending.IsEmpty);
    }

    [Fact]
    public void AHealthyTransaction_WritesTheSameHeaderBytes_WithTheTimelineOnOrOff()
    {
        // The benchmark's "many" transactions never leave Normal: the timeline must cost them nothing in storage.
        var on = TwentyCredits(new RecoveryLimits());
        var off = TwentyCredits(new RecoveryLimits { TimelineCapacity = 0 });

        var serializer = new ExactSizeGrainStorageSerializer(Serializer);
        Assert.Equal(serializer.Serialize(TransactionRecords.ToHeader(off)).ToArray(), serializer.Serialize(TransactionRecords.ToHeader(on)).ToArray());
    }

    [Fact]
    public void AFullTimeline_AddsAFewKilobytes_AndNoMoreAfterManyRecoveries()
    {
        var machine = new RecoveryStateMachine(new LedgerLogic(), new RecoveryLimits());
        var state = TwentyCredits();
        long afterTen = 0;
        for (var i = 0; i < 100; i++)
        {
            // A typical recovery: an operator's reason, three parked credits, a reconciliation, a replay: five entries.
            var recoveryId = $"{i:D4}{Guid.Empty:N}"[..32];
            state = machine.BeginRecovery(state, TransactionId, "PSP timeout on the last debit; reconcile first [by alice via admin page]", Now, recoveryId).State;
            state = machine.Submit(state, TransactionId,
                [LedgerMessages.Credit($"p{i}a", 1), LedgerMessages.Credit($"p{i}b", 1), LedgerMessages.Credit($"p{i}c", 1)], Now, () => "unexpected").State;
            state = machine.Submit(state, TransactionId, [LedgerMessages.Reconciled($"r{i}", recoveryId)], Now, () => "unexpected").State;
            while (state.ReplayDue)
            {
                state = machine.ReplayBatch(state, Now, () => "unexpected").State;
            }

            if (i == 9)
            {
                afterTen = TimelineBytes(state);
            }
        }

        // Full after ten recoveries (50 entries recorded, 32 kept): a few KB; ninety recoveries later, the same (P13).
        Assert.Equal(32, state.Timeline.Count);
        Assert.InRange(afterTen, 1_000, 6_000);
        Assert.InRange(TimelineBytes(state), afterTen - 64, afterTen + 64);
    }

    /// <summary>What the timeline adds to the stored header (the data left out: the ledger's statement grows on its own).</summary>
    private static long TimelineBytes(TransactionState state) =>
        HeaderBytes(state with { Data = null }) - HeaderBytes(state with { Data = null, Timeline = [] });

    private static long HeaderBytes(TransactionState state) =>
        new ExactSizeGrainStorageSerializer(Serializer).Serialize(TransactionRecords.ToHeader(state)).ToArray().Length;

    /// <summary>The state after the benchmark's 20 credits (ids m0..m19).</summary>
    private static TransactionState TwentyCredits(RecoveryLimits? limits = null)
    {
        var machine = new RecoveryStateMachine(new LedgerLogic(), limits ?? new RecoveryLimits());
        var state = machine.NewState(TransactionId);
        for (var i = 0; i < 20; i++)
        {
            state = machine.Submit(state, TransactionId, [LedgerMessages.Credit($"m{i}", 1)], Now, () => "unexpected").State;
        }

        return state;
    }
}
