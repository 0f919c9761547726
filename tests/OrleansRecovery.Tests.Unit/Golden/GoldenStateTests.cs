using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Silo;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Tests.Unit.Golden;

/// <summary>
/// State written by every layout of the records (a header and two pending-log segments, serialized exactly as the Azure Table
/// provider stores them: <see cref="OrleansGrainStorageSerializer"/> over the Orleans binary serializer) still loads with the
/// current code, rebuilds the same state and replays to the expected statement. v1: the dedup window as a <c>ulong[]</c>, every
/// field written; v2: default fields omitted (otherwise the same fields). If this fails, a type alias or field id of a
/// stored type changed: restore it (never renumber [Id]s), do not regenerate the fixtures.
/// To write the fixtures of the current layout (only for a deliberate new layout, in a new folder):
/// ORLEANSRECOVERY_WRITE_GOLDEN=1 dotnet test --filter GoldenState.
/// </summary>
public sealed class GoldenStateTests
{
    public const string WriteVariable = "ORLEANSRECOVERY_WRITE_GOLDEN";
    /// <summary>The layout the current code writes; older folders are only read.</summary>
    private const string CurrentVersion = "v2";
    private const string TransactionId = "golden-account";
    private const string RecoveryId = "rec-golden-1";
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 30, 0, TimeSpan.Zero);

    /// <summary>Small segments so that the three parked messages span two segment records.</summary>
    // The timeline (header field 13, added without a layout change: a reader that does not know a field skips it) is off here,
    // so that the fields every layout shares are checked byte for byte; TimelineTests cover the timeline's round trip.
    private static readonly RecoveryLimits Limits = new() { SegmentMaxEntries = 2, TimelineCapacity = 0 };

    public static TheoryData<string> Versions => ["v1", CurrentVersion];

    private static string FixtureDirectory(string baseDirectory, string version) => Path.Combine(baseDirectory, "Golden", version);

    private static string[] FixtureNames => ["header.b64", "segment-0.b64", "segment-1.b64"];

    [Fact]
    public void GoldenFixtures_ArePresentInTheOutput_OrAreWrittenWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            WriteFixtures(FixtureDirectory(Path.Combine(SiloConfigFiles.RepositoryRoot, "tests", "OrleansRecovery.Tests.Unit"), CurrentVersion));
            WriteFixtures(FixtureDirectory(AppContext.BaseDirectory, CurrentVersion));
        }

        foreach (var version in Versions)
        {
            foreach (var name in FixtureNames)
            {
                var path = Path.Combine(FixtureDirectory(AppContext.BaseDirectory, version), name);
                Assert.True(File.Exists(path), $"Golden fixture {path} is missing (is it copied to the output directory?).");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GoldenState_LoadsWithTheCurrentCode(string version)
    {
        var (header, segments) = ReadFixtures(version);

        Assert.Equal(int.Parse(version[1..], System.Globalization.CultureInfo.InvariantCulture), header.SchemaVersion);
        Assert.Equal(TransactionMode.Recovering, header.Mode);
        Assert.Equal(RecoveryId, header.Recovery?.RecoveryId);
        Assert.Equal("ext1", header.Recovery?.Subject?.MessageId);
        Assert.Equal(0, header.FirstSegment);
        Assert.Equal(0, header.ReplayPosition);
        Assert.Equal(3, header.NextSequence);
        var data = Assert.IsType<LedgerData>(header.Data);
        Assert.Equal(1_007, data.Balance);
        Assert.Equal(["c1", "adj"], data.StatementIds());
        Assert.Equal(new MessageCounters { Processed = 2, Queued = 4, Duplicate = 1, Rejected = 1 }, header.Counters);
        var rejection = Assert.Single(header.Rejections);
        Assert.Equal(RejectionCode.InvalidMessageId, rejection.Code);

        Assert.Equal([0L, 1L], segments.Select(s => s.Index));
        Assert.Equal(["p1", "p2"], segments[0].Entries.Select(e => e.Message.MessageId));
        Assert.Equal(["p3"], segments[1].Entries.Select(e => e.Message.MessageId));
        Assert.Equal([0L, 1L, 2L], segments.SelectMany(s => s.Entries).Select(e => e.Sequence));
        Assert.All(segments.SelectMany(s => s.Entries), e => Assert.Equal(Now, e.AdmittedAt));
        Assert.Equal(TransactionId, segments[0].Entries[0].Message.TransactionId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void GoldenState_RebuildsAndReplaysToTheExpectedStatement(string version)
    {
        var (header, segments) = ReadFixtures(version);
        var machine = new RecoveryStateMachine(new LedgerLogic(), Limits);

        var state = TransactionRecords.ToState(header, segments, Limits, () => machine.NewState(TransactionId).Data);

        Assert.Equal(TransactionMode.Recovering, state.Mode);
        Assert.Equal(3, state.Pending.Count);

        // Remembered ids survive: a redelivered message is a duplicate, a parked one too.
        var again = machine.Submit(state, TransactionId, [LedgerMessages.Credit("c1", 1_000), LedgerMessages.Credit("p2", 30)], Now, NewRecoveryId);
        Assert.All(again.Results, r => Assert.Equal(SubmitOutcome.Duplicate, r.Outcome));

        // The recovery agent settles the in-doubt debit (it happened): recovery completes, then the parked messages replay.
        var settled = machine.Submit(state, TransactionId, [LedgerMessages.Settle("settle", applied: true, RecoveryId)], Now, NewRecoveryId);
        Assert.Equal(SubmitOutcome.Processed, Assert.Single(settled.Results).Outcome);
        state = settled.State;
        Assert.Equal(TransactionMode.Normal, state.Mode);
        for (var steps = 0; state.ReplayDue; steps++)
        {
            Assert.True(steps < 10, "replay did not finish");
            state = machine.ReplayBatch(state, Now, NewRecoveryId).State;
        }

        var data = Assert.IsType<LedgerData>(state.Data);
        Assert.Equal(["c1", "adj", "ext1", "p1", "p2", "p3"], data.StatementIds());
        Assert.Equal([1_000L, 1_007L, 707L, 727L, 757L, 752L], data.Statement.Select(e => e.BalanceAfter));
        Assert.Equal(752, data.Balance);
        Assert.True(state.Pending.IsEmpty);
        Assert.Equal(3, state.Counters.Replayed);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void StoredRecords_AreOrleansBinary_NotTypeNameJson(string version)
    {
        foreach (var name in FixtureNames)
        {
            var text = File.ReadAllText(Path.Combine(FixtureDirectory(AppContext.BaseDirectory, version), name)).Trim();
            var bytes = Convert.FromBase64String(text);
            var asText = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("$type", asText, StringComparison.Ordinal);
            Assert.NotEqual((byte)'{', bytes[0]);
        }
    }

    [Fact]
    public void TheCurrentCode_WritesTheCurrentLayout_ByteForByte()
    {
        // Reading old layouts is not enough: a change to a stored type (a new field, a different constructor) must not change
        // what is written either, or records written by this version would not be those a previous silo reads.
        var records = CurrentRecords();

        Assert.Equal(FixtureNames, records.Keys.Order(StringComparer.Ordinal));
        foreach (var name in FixtureNames)
        {
            var stored = File.ReadAllText(Path.Combine(FixtureDirectory(AppContext.BaseDirectory, CurrentVersion), name)).Trim();
            Assert.True(stored == records[name], $"{name} as written now differs from the {CurrentVersion} fixture.");
        }
    }

    [Fact]
    public void TheSiloHost_StoresTransactionRecordsWithTheOrleansBinarySerializer()
    {
        using var host = SiloConfigFiles.BuildSilo(null);

        var engine = host.Services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value;
        var table = host.Services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(engine.StorageProviderName);

        Assert.IsType<ExactSizeGrainStorageSerializer>(table.GrainStorageSerializer);
        Assert.IsNotType<JsonGrainStorageSerializer>(table.GrainStorageSerializer);
    }

    private static string NewRecoveryId() => "rec-golden-unexpected";

    private static OrleansGrainStorageSerializer CreateStorageSerializer()
    {
        var services = new ServiceCollection()
            .AddSerializer(b => b
                .AddAssembly(typeof(TransactionMessage).Assembly)
                .AddAssembly(typeof(TransactionHeaderRecord).Assembly)
                .AddAssembly(typeof(LedgerData).Assembly))
            .BuildServiceProvider();
        return new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    }

    private static (TransactionHeaderRecord Header, List<PendingSegmentRecord> Segments) ReadFixtures(string version)
    {
        var serializer = CreateStorageSerializer();
        var dir = FixtureDirectory(AppContext.BaseDirectory, version);
        BinaryData Read(string name) => BinaryData.FromBytes(Convert.FromBase64String(File.ReadAllText(Path.Combine(dir, name)).Trim()));
        var header = serializer.Deserialize<TransactionHeaderRecord>(Read("header.b64"))
            ?? throw new InvalidOperationException("The golden header deserialized to null.");
        var segments = new List<PendingSegmentRecord>
        {
            serializer.Deserialize<PendingSegmentRecord>(Read("segment-0.b64")) ?? throw new InvalidOperationException("segment 0 is null"),
            serializer.Deserialize<PendingSegmentRecord>(Read("segment-1.b64")) ?? throw new InvalidOperationException("segment 1 is null"),
        };
        return (header, segments);
    }

    /// <summary>
    /// The generator: a ledger account that took a credit, was left in doubt by an external debit whose call timed out, got a
    /// recovery adjustment, answered a duplicate and a bad message, and parked three messages (two segments). Returns each
    /// fixture's name and its base64 text, as the current code writes it.
    /// </summary>
    private static Dictionary<string, string> CurrentRecords()
    {
        var machine = new RecoveryStateMachine(new LedgerLogic(), Limits);
        var state = machine.NewState(TransactionId);
        TransactionState Step(params TransactionMessage?[] messages) =>
            state = machine.Submit(state, TransactionId, messages, Now, () => RecoveryId).State;

        Step(LedgerMessages.Credit("c1", 1_000));
        Step(LedgerMessages.ExternalDebit("ext1", 300, timedOut: true));
        Step(LedgerMessages.Adjustment("adj", 7, RecoveryId));
        Step(LedgerMessages.Credit("c1", 1_000));
        Step(LedgerMessages.Credit("", 1));
        Step(LedgerMessages.Credit("p1", 20) with { TransactionId = TransactionId });
        Step(LedgerMessages.Credit("p2", 30));
        Step(LedgerMessages.Debit("p3", 5));

        var serializer = CreateStorageSerializer();
        var records = new Dictionary<string, string>
        {
            ["header.b64"] = Convert.ToBase64String(serializer.Serialize(TransactionRecords.ToHeader(state)).ToArray()),
        };
        foreach (var segment in state.Pending.Segments)
        {
            records[$"segment-{segment.Index}.b64"] =
                Convert.ToBase64String(serializer.Serialize(TransactionRecords.ToSegment(state, segment.Index)).ToArray());
        }

        return records;
    }

    private static void WriteFixtures(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, text) in CurrentRecords())
        {
            File.WriteAllText(Path.Combine(directory, name), text + Environment.NewLine);
        }
    }
}

internal static class GoldenLedgerExtensions
{
    public static IReadOnlyList<string> StatementIds(this LedgerData data) => [.. data.Statement.Select(e => e.MessageId)];
}
