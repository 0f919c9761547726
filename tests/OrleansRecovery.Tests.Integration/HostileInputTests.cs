using System.Globalization;
using Azure.Storage.Queues;
using Orleans.Runtime;
using Xunit.Abstractions;
using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Hostile and malformed input, sent straight to the grain (bypassing the client helpers' own checks), through the client helpers,
/// and onto the Azure queues. Every kind is answered with a clear reason (or a clear argument error at the client), counted in
/// <see cref="MessageCounters.Rejected"/>, kept in the rejection history, and leaves mode, recovery, pending log and data unchanged.
/// The list of kinds and their answers is in the README's guarantees section.
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class HostileInputTests(LedgerClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    /// <summary>A hostile message (made for the transaction it is sent to), the code it must get and a word its reason must contain.</summary>
    private sealed record Case(Func<string, TransactionMessage?> Make, RejectionCode Code, string ReasonMentions);

    private static readonly Dictionary<string, Case> NormalModeCases = new(StringComparer.Ordinal)
    {
        ["id empty"] = new(_ => LedgerMessages.Credit("", 1), RejectionCode.InvalidMessageId, "MessageId is empty"),
        ["id whitespace"] = new(_ => LedgerMessages.Credit(" \u3000 ", 1), RejectionCode.InvalidMessageId, "MessageId is empty"),
        ["id null"] = new(_ => LedgerMessages.Credit(null!, 1), RejectionCode.InvalidMessageId, "MessageId is empty"),
        ["id too long"] = new(_ => LedgerMessages.Credit(new string('i', 129), 1), RejectionCode.InvalidMessageId, "limit is 128"),
        ["id huge (1 MB)"] = new(_ => LedgerMessages.Credit(new string('i', 1_000_000), 1), RejectionCode.InvalidMessageId, "limit is 128"),
        ["id control character"] = new(_ => LedgerMessages.Credit("a\u0007b", 1), RejectionCode.InvalidMessageId, "U+0007"),
        ["id NUL character"] = new(_ => LedgerMessages.Credit("a\0", 1), RejectionCode.InvalidMessageId, "U+0000"),
        ["id C1 control character"] = new(_ => LedgerMessages.Credit("a\u0085", 1), RejectionCode.InvalidMessageId, "U+0085"),
        ["transaction id mismatched"] = new(tx => LedgerMessages.Credit("w1", 1) with { TransactionId = tx + "-other" }, RejectionCode.TransactionMismatch, "-other"),
        ["kind unknown"] = new(_ => LedgerMessages.Credit("k1", 1) with { Kind = (MessageKind)99 }, RejectionCode.InvalidKind, "Kind 99"),
        ["kind negative"] = new(_ => LedgerMessages.Credit("k2", 1) with { Kind = (MessageKind)(-1) }, RejectionCode.InvalidKind, "Kind -1"),
        ["type null"] = new(_ => new TransactionMessage("t1", MessageKind.Normal, null!, "{}"), RejectionCode.InvalidType, "Type is empty"),
        ["type huge (100,000 chars)"] = new(_ => TransactionMessage.Normal("t2", new string('T', 100_000), "{}"), RejectionCode.InvalidType, "limit is 128"),
        ["type control character"] = new(_ => TransactionMessage.Normal("t3", "credit\n", "{\"amount\":1}"), RejectionCode.InvalidType, "U+000A"),
        ["payload null"] = new(_ => TransactionMessage.Normal("p1", LedgerMessageTypes.Credit, null!), RejectionCode.InvalidPayload, "Payload is null"),
        ["payload over the limit"] = new(_ => TransactionMessage.Normal("p2", LedgerMessageTypes.Credit, new string('x', (64 * 1024) + 1)), RejectionCode.InvalidPayload, "MaxPayloadBytes"),
        ["payload over the limit in UTF-8 only"] = new(_ => TransactionMessage.Normal("p3", LedgerMessageTypes.Credit, new string('€', 22_000)), RejectionCode.InvalidPayload, "66000 bytes"),
        ["payload invalid JSON"] = new(_ => TransactionMessage.Normal("j1", LedgerMessageTypes.Credit, "{\"amount\":"), RejectionCode.ApplicationRejected, "not valid JSON"),
        ["payload JSON nested 10,000 deep"] = new(_ => TransactionMessage.Normal("j2", LedgerMessageTypes.Credit, new string('[', 10_000)), RejectionCode.ApplicationRejected, "not valid JSON"),
        ["amount negative"] = new(_ => LedgerMessages.Credit("n1", -5), RejectionCode.ApplicationRejected, "must be positive"),
        ["amount zero"] = new(_ => LedgerMessages.Debit("n2", 0), RejectionCode.ApplicationRejected, "must be positive"),
        ["type unknown to the application"] = new(_ => TransactionMessage.Normal("u1", "transfer", "{\"amount\":1}"), RejectionCode.ApplicationRejected, "transfer"),
        ["recovery message while Normal"] = new(_ => LedgerMessages.Adjustment("r1", 5), RejectionCode.NotRecovering, "not recovering"),
        ["recovery id too long"] = new(_ => LedgerMessages.Reconciled("r2", new string('r', 129)), RejectionCode.StaleRecovery, "longer than 128"),
        ["message null"] = new(_ => null, RejectionCode.InvalidMessageId, "null"),
    };

    private static readonly Dictionary<string, Case> RecoveringCases = new(StringComparer.Ordinal)
    {
        ["stale recovery id"] = new(_ => LedgerMessages.Adjustment("s1", 5, "rec-from-yesterday"), RejectionCode.StaleRecovery, "rec-from-yesterday"),
        ["recovery id too long"] = new(_ => LedgerMessages.Adjustment("s2", 5, new string('r', 129)), RejectionCode.StaleRecovery, "longer than 128"),
        ["recovery type unknown to the application"] = new(_ => TransactionMessage.Recovery("s3", "rollback", "{}"), RejectionCode.ApplicationRejected, "rollback"),
        ["recovery payload invalid JSON"] = new(_ => TransactionMessage.Recovery("s4", LedgerMessageTypes.Adjustment, "{{{"), RejectionCode.ApplicationRejected, "not valid JSON"),
        ["recovery kind but id empty"] = new(_ => LedgerMessages.Adjustment("", 5), RejectionCode.InvalidMessageId, "MessageId is empty"),
        ["normal message with oversized payload while recovering"] = new(_ => TransactionMessage.Normal("s5", LedgerMessageTypes.Credit, new string('x', (64 * 1024) + 1)), RejectionCode.InvalidPayload, "MaxPayloadBytes"),
    };

    public static TheoryData<string> NormalModeCaseNames => [.. NormalModeCases.Keys];

    public static TheoryData<string> RecoveringCaseNames => [.. RecoveringCases.Keys];

    [Theory]
    [MemberData(nameof(NormalModeCaseNames))]
    public async Task HostileMessage_SentStraightToTheGrain_IsRejectedWithAReason_CountedKept_AndChangesNothing(string kind)
    {
        var @case = NormalModeCases[kind];
        var tx = Ids.Transaction("hostile");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.GetGrain<ITransactionGrain>(tx).SubmitAsync(@case.Make(tx)!);

        await AssertRejectedAsync(kind, tx, before, result, @case);
    }

    [Theory]
    [MemberData(nameof(RecoveringCaseNames))]
    public async Task HostileMessage_WhileRecovering_IsRejectedWithAReason_NotParked_AndChangesNothing(string kind)
    {
        var @case = RecoveringCases[kind];
        var tx = Ids.Transaction("hostile-rec");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("parked", 5));
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.GetGrain<ITransactionGrain>(tx).SubmitAsync(@case.Make(tx)!);

        await AssertRejectedAsync(kind, tx, before, result, @case);
    }

    [Fact]
    public async Task HostileBatches_AreAnsweredPerPosition_OrWhole_AndChangeNothingElse()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var grain = _client.GetGrain<ITransactionGrain>(tx);
        var before = await _client.SnapshotAsync(tx);

        // Empty batch: an empty answer, nothing counted, nothing changed.
        Assert.Empty(await grain.SubmitBatchAsync([]));
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 0);

        // Over the limit (501 > MaxBatchSize 500): rejected whole.
        var tooMany = Enumerable.Range(0, 501).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();
        var whole = await grain.SubmitBatchAsync(tooMany);
        Assert.All(whole, r => Assert.Equal(RejectionCode.BatchTooLarge, r.Code));
        Assert.Contains("MaxBatchSize", whole[0].Reason, StringComparison.Ordinal);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 501);

        // Only hostile messages: each answered in its position.
        var hostile = new TransactionMessage?[] { null, LedgerMessages.Credit("", 1), LedgerMessages.Credit("x", 1) with { Kind = (MessageKind)5 } };
        var answers = await grain.SubmitBatchAsync(hostile!);
        Assert.Equal([RejectionCode.InvalidMessageId, RejectionCode.InvalidMessageId, RejectionCode.InvalidKind], answers.Select(r => r.Code));
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 504);
    }

    [Fact]
    public async Task NullBatch_SentStraightToTheGrain_FailsWithAnArgumentError_AndChangesNothing()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.GetGrain<ITransactionGrain>(tx).SubmitBatchAsync(null!));

        Assert.Contains("messages", error.Message, StringComparison.Ordinal);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 0);
    }

    public static TheoryData<string, string?> BadReasons => new()
    {
        { "empty", "" },
        { "whitespace", " \t " },
        { "null", null },
        { "over MaxReasonLength", new string('r', 1_025) },
        { "huge (1 MB)", new string('r', 1_000_000) },
    };

    [Theory]
    [MemberData(nameof(BadReasons))]
    public async Task BeginRecovery_WithAHostileReason_FailsWithAnArgumentError_AndStaysNormal(string problem, string? reason)
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.GetGrain<ITransactionGrain>(tx).BeginRecoveryAsync(reason!));

        Assert.True(error.Message.Contains("reason", StringComparison.OrdinalIgnoreCase), $"{problem}: {error.Message}");
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 0);
    }

    public static TheoryData<string, string> BadTransactionIds => new()
    {
        { "empty", "" },
        { "whitespace", "   " },
        { "too long", new string('t', 257) },
        { "control character", "acct\u0001" },
        { "NUL character", "acct\0" },
        { "line break", "acct\n1" },
    };

    [Theory]
    [MemberData(nameof(BadTransactionIds))]
    public async Task ClientHelpers_RefuseAHostileTransactionId_WithAnArgumentError_BeforeSending(string problem, string transactionId)
    {
        var publisher = _cluster.CreatePublisher();

        var submit = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync(transactionId, LedgerMessages.Credit("c1", 1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitBatchAsync(transactionId, [LedgerMessages.Credit("c1", 1)]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.BeginRecoveryAsync(transactionId, "outage"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => publisher.PublishAsync(transactionId, LedgerMessages.Credit("c1", 1)));
        Assert.ThrowsAny<ArgumentException>(() => _client.GetTransaction(transactionId));
        Assert.Equal("transactionId", submit.ParamName);
        Assert.False(string.IsNullOrWhiteSpace(submit.Message), problem);
    }

    [Fact]
    public async Task ClientHelpers_RefuseNullMessagesAndBatches_WithAnArgumentError_BeforeSending()
    {
        var tx = Ids.Transaction();
        var publisher = _cluster.CreatePublisher();

        await Assert.ThrowsAsync<ArgumentNullException>(() => _client.SubmitAsync(tx, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _client.SubmitBatchAsync(tx, null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitBatchAsync(tx, [LedgerMessages.Credit("ok", 1), null!]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync(tx, TransactionMessage.Normal("p", "credit", null!)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => publisher.PublishAsync(tx, null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => publisher.PublishBatchAsync(tx, null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => publisher.PublishAsync(tx, LedgerMessages.Credit("k", 1) with { Kind = (MessageKind)3 }));

        // Nothing reached the grain.
        Assert.Equal(default, (await _client.GetStatusAsync(tx)).Counters);
    }

    [Fact]
    public async Task HostileStreamEvents_AreRejectedCountedAndKept_AndTheEventsBehindThemStillFlow()
    {
        var tx = Ids.Transaction();
        var stream = _client.GetStreamProvider(TransactionStreams.ProviderName)
            .GetStream<object>(StreamId.Create(TransactionStreams.InboundNamespace, tx));

        // Straight onto the stream, without the publisher's checks.
        object[] hostile =
        [
            42,                                                                             // a foreign type
            new Dictionary<string, string> { ["MessageId"] = "m" },                        // a foreign type that looks like a message
            LedgerMessages.Credit("", 1) with { TransactionId = tx },                       // empty id
            LedgerMessages.Credit("id\u0001", 1) with { TransactionId = tx },                // control character in the id
            LedgerMessages.Credit("null-payload", 1) with { TransactionId = tx, Payload = null! },
            LedgerMessages.Credit("kind", 1) with { TransactionId = tx, Kind = (MessageKind)9 },
            LedgerMessages.Adjustment("adj", 5) with { TransactionId = tx },                // recovery while Normal
            LedgerMessages.Credit("neg", -1) with { TransactionId = tx },                   // the application refuses it
        ];
        foreach (var item in hostile)
        {
            await stream.OnNextAsync(item);
        }

        await stream.OnNextAsync(LedgerMessages.Credit("c1", 5) with { TransactionId = tx });

        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Processed == 1, StreamTimeout,
            "the credit behind the hostile events is applied");
        Assert.Equal(hostile.Length, status.Counters.Rejected);
        Assert.Equal(
            [RejectionCode.InvalidKind, RejectionCode.InvalidKind, RejectionCode.InvalidMessageId, RejectionCode.InvalidMessageId,
             RejectionCode.InvalidPayload, RejectionCode.InvalidKind, RejectionCode.NotRecovering, RejectionCode.ApplicationRejected],
            status.RecentRejections.Select(r => r.Code));
        Assert.All(status.RecentRejections, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Equal(["c1"], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task TransactionIdThatStorageWouldRewrite_IsRefused_AndCannotTouchTheTransactionItWouldAlias()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var real = $"acct_{suffix}";
        var alias = $"acct/{suffix}"; // Azure Table storage would store this one under the same key as the real one
        await _client.SubmitAsync(real, LedgerMessages.Credit("c1", 10));

        var direct = _client.GetGrain<ITransactionGrain>(alias);
        var answer = await direct.SubmitAsync(LedgerMessages.Credit("c2", 99));
        var begin = await Assert.ThrowsAsync<ArgumentException>(() => direct.BeginRecoveryAsync("hijack"));
        var client = Assert.Throws<ArgumentException>(() => _client.GetTransaction(alias));

        Assert.Equal(RejectionCode.InvalidTransactionId, answer.Code);
        Assert.Contains("'/'", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("'/'", begin.Message, StringComparison.Ordinal);
        Assert.Equal("transactionId", client.ParamName);
        Assert.Null(await direct.GetDataAsync() is Ledger.LedgerData { Statement.Count: > 0 } ? "aliased" : null);
        Assert.Equal(["c1"], await _client.StatementIdsAsync(real));
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(real)).Mode);
    }

    [Fact]
    public async Task StreamEventOverTheQueueMessageLimit_IsRefusedAtThePublisher_NamingTheLimit_AndNothingReachesTheTransaction()
    {
        var tx = Ids.Transaction();
        var publisher = _cluster.CreatePublisher();

        // An Azure queue message holds at most 64 KiB of base64 text; the publisher refuses what cannot fit before sending it.
        var single = await Assert.ThrowsAsync<ArgumentException>(() =>
            publisher.PublishAsync(tx, TransactionMessage.Normal("big", LedgerMessageTypes.Credit, new string('x', 46_000))));
        var batch = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishBatchAsync(tx,
            [.. Enumerable.Range(0, 3).Select(i => TransactionMessage.Normal($"b{i}", LedgerMessageTypes.Credit, new string('x', 20_000)))]));

        Assert.Contains("MaxPublishBytes", single.Message, StringComparison.Ordinal);
        Assert.Contains("3 message(s)", batch.Message, StringComparison.Ordinal);
        Assert.Equal(default, (await _client.GetStatusAsync(tx)).Counters);

        // Just under the limit still goes through the queue.
        await publisher.PublishAsync(tx, TransactionMessage.Normal("fits", LedgerMessageTypes.Credit, "{\"amount\":1,\"pad\":\"" + new string('x', 40_000) + "\"}"));
        await Eventually.WaitUntilAsync(async () => (await _client.StatementIdsAsync(tx)).Contains("fits"), LedgerReads.Timeout,
            "the largest event that fits is applied");
    }

    /// <summary>
    /// Raw garbage on the Azure queues (not Orleans binary in base64). Orleans' own receiver would fail the whole read of that
    /// queue, back off 10-20 s, never delete the message and meet it again after every visibility timeout, stalling the events
    /// behind it. The engine's adapter (UndeliverableQueueMessages) reads it as an empty batch instead: logged, counted, deleted,
    /// and the events behind it flow at once, in order, each exactly once, reaching no transaction's counters.
    /// </summary>
    [Fact]
    public async Task GarbageOnTheAzureQueues_IsDroppedAndCounted_AndTheEventsBehindItFlowInOrder()
    {
        var undeliverable = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == Diagnostics.RecoveryInstruments.UndeliverableQueueMessages)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref undeliverable, value));
        listener.Start();

        var queues = new QueueServiceClient(_cluster.ConnectionString);
        var names = TransactionStreams.QueueNames(_cluster.QueuePrefix, _cluster.QueueCount);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var name in names)
        {
            await queues.GetQueueClient(name).SendMessageAsync("this is not base64!", visibilityTimeout: null, timeToLive: TimeSpan.FromMinutes(5));
        }

        var publisher = _cluster.CreatePublisher();
        var transactions = Enumerable.Range(0, 8).Select(i => Ids.Transaction() + "-q" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var tx in transactions)
        {
            await publisher.PublishAsync(tx, LedgerMessages.Credit("c1", 1));
            await publisher.PublishAsync(tx, LedgerMessages.Credit("c2", 2));
        }

        foreach (var tx in transactions)
        {
            // Well under the 30 s visibility timeout: nothing waited for the garbage to come back.
            await Eventually.WaitUntilAsync(async () => (await _client.GetStatusAsync(tx)).Counters.Processed == 2, TimeSpan.FromSeconds(20),
                $"both events of {tx} are applied despite the garbage on the queues");
            Assert.Equal(["c1", "c2"], await _client.StatementIdsAsync(tx));
            Assert.Equal(0, (await _client.GetStatusAsync(tx)).Counters.Rejected);
        }

        await Eventually.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref undeliverable) >= names.Count), TimeSpan.FromSeconds(20),
            "every garbage message is counted as undeliverable");
        await Eventually.WaitUntilAsync(async () =>
        {
            foreach (var name in names)
            {
                var properties = await queues.GetQueueClient(name).GetPropertiesAsync();
                if (properties.Value.ApproximateMessagesCount > 0)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "the garbage is deleted from the queues");
        output.WriteLine($"Events behind the garbage applied and garbage deleted {stopwatch.Elapsed.TotalSeconds:0.0} s after it was enqueued.");
    }

    private async Task AssertRejectedAsync(string kind, string tx, (TransactionStatus Status, LedgerData Data) before, SubmitResult result, Case @case)
    {
        Assert.True(result.Outcome == SubmitOutcome.Rejected, $"{kind}: expected Rejected, got {result.Outcome} ({result.Reason})");
        Assert.True(result.Code == @case.Code, $"{kind}: expected {@case.Code}, got {result.Code} ({result.Reason})");
        Assert.True(result.Reason?.Contains(@case.ReasonMentions, StringComparison.OrdinalIgnoreCase) == true,
            $"{kind}: the reason '{result.Reason}' does not mention '{@case.ReasonMentions}'");
        Assert.True(result.Reason!.Length <= 512, $"{kind}: the reason is {result.Reason.Length} characters; hostile input must not be echoed whole");
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 1);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(@case.Code, status.RecentRejections[^1].Code);
        Assert.True(status.RecentRejections[^1].MessageId.Length <= 256, $"{kind}: the kept rejection echoes a huge id");
        Assert.True(status.RecentRejections[^1].Type.Length <= 256, $"{kind}: the kept rejection echoes a huge type");
    }
}

/// <summary>The hostile input that needs a small pending log: one message too many while recovering.</summary>
[Collection(SmallPendingLogDefinition.Name)]
public sealed class HostileInputFullLogTests(SmallPendingLogFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task FullPendingLog_RejectsWithPendingLogFull_CountsIt_AndKeepsTheLogAsItWas()
    {
        var tx = Ids.Transaction();
        await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitBatchAsync(tx, [.. Enumerable.Range(0, SmallPendingLogFixture.MaxPendingEntries).Select(i => LedgerMessages.Credit(Ids.Message(i), 1))]);
        var before = await _client.GetStatusAsync(tx);

        var result = await _client.GetGrain<ITransactionGrain>(tx).SubmitAsync(LedgerMessages.Credit("one-too-many", 1));

        Assert.Equal(SubmitOutcome.Rejected, result.Outcome);
        Assert.Equal(RejectionCode.PendingLogFull, result.Code);
        Assert.Contains("MaxPendingEntries", result.Reason, StringComparison.Ordinal);
        var after = await _client.GetStatusAsync(tx);
        Assert.Equal(before.PendingCount, after.PendingCount);
        Assert.Equal(before.Mode, after.Mode);
        Assert.Equal(before.Counters with { Rejected = before.Counters.Rejected + 1 }, after.Counters);
        Assert.Equal(RejectionCode.PendingLogFull, after.RecentRejections[^1].Code);
    }
}
