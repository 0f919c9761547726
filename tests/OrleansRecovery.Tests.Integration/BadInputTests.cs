using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// P9 through the client SDK: bad input is rejected with the right code and a reason naming the problem, is counted and kept
/// for operators, and changes nothing else (mode, pending log, data).
/// </summary>
[Collection(LedgerClusterDefinition.Name)]
public sealed class BadInputTests(LedgerClusterFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    public static TheoryData<string, TransactionMessage, RejectionCode, string> BadMessages => new()
    {
        { "empty id", LedgerMessages.Credit("", 1), RejectionCode.InvalidMessageId, "MessageId is empty" },
        { "blank id", LedgerMessages.Credit("   ", 1), RejectionCode.InvalidMessageId, "MessageId is empty" },
        { "oversized id", LedgerMessages.Credit(new string('x', 129), 1), RejectionCode.InvalidMessageId, "limit is 128" },
        { "control char in id", LedgerMessages.Credit("a\u0001b", 1), RejectionCode.InvalidMessageId, "control" },
        { "unknown kind", LedgerMessages.Credit("k1", 1) with { Kind = (MessageKind)7 }, RejectionCode.InvalidKind, "Kind 7" },
        { "empty type", new TransactionMessage("t1", MessageKind.Normal, "", "{}"), RejectionCode.InvalidType, "Type is empty" },
        {
            "oversized payload",
            TransactionMessage.Normal("p1", LedgerMessageTypes.Credit, new string('x', 64 * 1024 + 1)),
            RejectionCode.InvalidPayload, "MaxPayloadBytes"
        },
        {
            "transaction mismatch",
            LedgerMessages.Credit("w1", 1) with { TransactionId = "someone-else" },
            RejectionCode.TransactionMismatch, "someone-else"
        },
        { "application refuses payload", TransactionMessage.Normal("j1", LedgerMessageTypes.Credit, "not json"), RejectionCode.ApplicationRejected, "JSON" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task BadMessage_InNormalMode_IsRejected_AndChangesNothing(string problem, TransactionMessage message,
        RejectionCode code, string reasonMentions)
    {
        var tx = Ids.Transaction() + "-" + code;
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.GetTransaction(tx).SubmitAsync(message);

        Assert.True(result.Outcome == SubmitOutcome.Rejected, $"{problem}: expected Rejected, got {result.Outcome}");
        Assert.Equal(code, result.Code);
        Assert.Contains(reasonMentions, result.Reason, StringComparison.OrdinalIgnoreCase);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 1);
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(code, status.RecentRejections[^1].Code);
    }

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task BadMessage_WhileRecovering_IsRejected_NotParked(string problem, TransactionMessage message,
        RejectionCode code, string reasonMentions)
    {
        var tx = Ids.Transaction() + "-" + code;
        await _client.BeginRecoveryAsync(tx, "outage");
        await _client.SubmitAsync(tx, LedgerMessages.Credit("parked", 100));
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.GetTransaction(tx).SubmitAsync(message);

        // The ledger's own payload check only runs when a message is applied: while recovering, "not json" is parked.
        if (code == RejectionCode.ApplicationRejected)
        {
            Assert.Equal(SubmitOutcome.Queued, result.Outcome);
            return;
        }

        Assert.True(result.Outcome == SubmitOutcome.Rejected, $"{problem}: expected Rejected, got {result.Outcome}");
        Assert.Equal(code, result.Code);
        Assert.Contains(reasonMentions, result.Reason, StringComparison.OrdinalIgnoreCase);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 1);
    }

    [Fact]
    public async Task RecoveryMessage_WhileNormal_IsRejectedNotRecovering()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.SubmitAsync(tx, LedgerMessages.Adjustment("adj", 5));

        Assert.Equal(SubmitOutcome.Rejected, result.Outcome);
        Assert.Equal(RejectionCode.NotRecovering, result.Code);
        Assert.Contains("not recovering", result.Reason, StringComparison.OrdinalIgnoreCase);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 1);
    }

    [Fact]
    public async Task RecoveryMessage_NamingAnotherRecovery_IsRejectedStale()
    {
        var tx = Ids.Transaction();
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        var before = await _client.SnapshotAsync(tx);

        var result = await _client.SubmitAsync(tx, LedgerMessages.Reconciled("done", recoveryId: "not-" + recovery.RecoveryId));

        Assert.Equal(SubmitOutcome.Rejected, result.Outcome);
        Assert.Equal(RejectionCode.StaleRecovery, result.Code);
        Assert.Contains(recovery.RecoveryId, result.Reason, StringComparison.Ordinal);
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 1);
    }

    [Fact]
    public async Task BatchOverTheLimit_IsRejectedWhole_AndAdmitsNothing()
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var before = await _client.SnapshotAsync(tx);
        var batch = Enumerable.Range(0, 501).Select(i => LedgerMessages.Credit(Ids.Message(i), 1)).ToList();

        var results = await _client.SubmitBatchAsync(tx, batch);

        Assert.Equal(501, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(SubmitOutcome.Rejected, r.Outcome);
            Assert.Equal(RejectionCode.BatchTooLarge, r.Code);
            Assert.Contains("MaxBatchSize", r.Reason, StringComparison.Ordinal);
        });
        await _client.AssertUnchangedAsync(tx, before, rejectedMore: 501);

        // Nothing was admitted: the same ids are accepted afterwards, in a batch of the allowed size.
        var accepted = await _client.SubmitBatchAsync(tx, batch.Take(500).ToList());
        Assert.All(accepted, r => Assert.Equal(SubmitOutcome.Processed, r.Outcome));
    }

    [Fact]
    public async Task ClientHelpers_ThrowArgumentException_ForMalformedIds_BeforeAnythingIsSent()
    {
        var tx = Ids.Transaction();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync(tx, LedgerMessages.Credit("", 1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync(tx, LedgerMessages.Credit("c", 1) with { Kind = (MessageKind)7 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync("", LedgerMessages.Credit("c1", 1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitAsync("a\u0000b", LedgerMessages.Credit("c1", 1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SubmitBatchAsync(tx, [LedgerMessages.Credit("ok", 1), LedgerMessages.Credit(" ", 1)]));
        Assert.ThrowsAny<ArgumentException>(() => _client.GetTransaction(""));

        // Nothing reached the grain.
        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(default, status.Counters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task BeginRecovery_WithoutAReason_ThrowsArgumentException_AndStaysNormal(string? reason)
    {
        var tx = Ids.Transaction();
        await _client.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.GetTransaction(tx).BeginRecoveryAsync(reason!));

        var status = await _client.GetStatusAsync(tx);
        Assert.Equal(TransactionMode.Normal, status.Mode);
        Assert.Null(status.Recovery);
    }

    [Fact]
    public async Task BeginRecovery_WithAnOverlongReason_ThrowsArgumentExceptionNamingTheLimit()
    {
        var tx = Ids.Transaction();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.BeginRecoveryAsync(tx, new string('r', 1_025)));

        Assert.Contains("MaxReasonLength", error.Message, StringComparison.Ordinal);
        Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(tx)).Mode);
    }

    [Fact]
    public async Task NullMessagesInABatch_AreRejectedInTheirPositions_AndTheOthersAdmitted()
    {
        var tx = Ids.Transaction();

        var results = await _client.GetTransaction(tx).SubmitBatchAsync([LedgerMessages.Credit("a", 1), null!, LedgerMessages.Credit("b", 2)]);

        Assert.Equal([SubmitOutcome.Processed, SubmitOutcome.Rejected, SubmitOutcome.Processed], results.Select(r => r.Outcome));
        Assert.Contains("null", results[1].Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["a", "b"], await _client.StatementIdsAsync(tx));
        var single = await _client.GetTransaction(tx).SubmitAsync(null!);
        Assert.Equal(SubmitOutcome.Rejected, single.Outcome);
        Assert.Equal(RejectionCode.InvalidMessageId, single.Code);
    }
}
