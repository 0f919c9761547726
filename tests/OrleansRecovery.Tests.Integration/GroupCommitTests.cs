using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Group commit: concurrent submissions to one transaction share storage writes, each caller is answered only after the write
/// covering its message (P8), order per sender is kept, and a failed group write loses nothing that was acknowledged.
/// </summary>
public abstract class GroupCommitTests(GroupCommitFixture fixture, ITestOutputHelper output)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentSubmitters_ShareWrites_AndEveryMessageIsAppliedOnceInSenderOrder(bool recovering)
    {
        const int senders = 64;
        const int perSender = 10;
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = recovering ? await _client.BeginRecoveryAsync(tx, "outage") : null;
        var writesBefore = fixture.WritesOf(_cluster.GrainIdOf(tx));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, senders).Select(async sender =>
        {
            var answers = new List<SubmitOutcome>();
            for (var i = 0; i < perSender; i++)
            {
                answers.Add((await c.SubmitAsync(tx, LedgerMessages.Credit($"s{sender:D2}-{i:D2}", 1))).Outcome);
            }

            return answers;
        }));

        var writes = fixture.WritesOf(_cluster.GrainIdOf(tx)) - writesBefore;
        var expected = recovering ? SubmitOutcome.Queued : SubmitOutcome.Processed;
        Assert.All(outcomes.SelectMany(o => o), outcome => Assert.Equal(expected, outcome));
        Assert.True(writes <= senders * perSender / 5, $"{writes} writes for {senders * perSender} messages: submissions did not share writes.");

        if (recovery is not null)
        {
            await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
            await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        }

        var statement = await _client.StatementIdsAsync(tx);
        Assert.Equal(senders * perSender, statement.Count);
        Assert.Equal(statement.Count, statement.Distinct().Count());
        for (var sender = 0; sender < senders; sender++)
        {
            var prefix = $"s{sender:D2}-";
            var own = statement.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => $"{prefix}{i:D2}"), own);
        }

        await c.AssertCheckerCleanAsync(tx);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EventsOfOneQueueMessage_AreStoredWithOneWrite_InOrder(bool recovering)
    {
        // One PublishBatchAsync is one queue message; the grain takes its events in one call (a batch observer) and stores them
        // together. Delivered one event at a time, as before, they cost one write each.
        const int events = 40;
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = recovering ? await _client.BeginRecoveryAsync(tx, "outage") : null;
        await c.SubmitAsync(tx, LedgerMessages.Credit("first", 1));
        var writesBefore = fixture.WritesOf(_cluster.GrainIdOf(tx));
        var messages = Enumerable.Range(0, events).Select(i => LedgerMessages.Credit($"e{i:D2}", 1)).ToList();

        await _cluster.CreatePublisher().PublishBatchAsync(tx, messages);
        await Eventually.WaitUntilAsync(async () =>
        {
            var status = await _client.GetStatusAsync(tx);
            return recovering ? status.PendingCount == events + 1 : (await _client.StatementIdsAsync(tx)).Count == events + 1;
        }, LedgerReads.Timeout, $"the {events} published events are {(recovering ? "parked" : "applied")}");

        var writes = fixture.WritesOf(_cluster.GrainIdOf(tx)) - writesBefore;
        Assert.True(writes <= 3, $"{writes} record writes for {events} events of one queue message: they were not stored together.");
        if (recovery is not null)
        {
            await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
            await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        }

        Assert.Equal(["first", .. messages.Select(m => m.MessageId)], await _client.StatementIdsAsync(tx));
    }

    [Fact]
    public async Task FailedGroupWrite_FailsEveryCallerInTheGroup_AndRetriesApplyEachMessageOnce()
    {
        const int senders = 20;
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 1));
        fixture.Faults.FailNextWrites(_cluster.GrainIdOf(tx), 2);

        var first = await Task.WhenAll(Enumerable.Range(0, senders).Select(async sender =>
        {
            try
            {
                return (await c.SubmitAsync(tx, LedgerMessages.Credit($"c{sender:D2}", 1))).Outcome;
            }
            catch (Exception ex) when (ex.ToString().Contains("Injected storage failure", StringComparison.Ordinal))
            {
                return (SubmitOutcome?)null;
            }
        }));

        var failed = Enumerable.Range(0, senders).Where(i => first[i] is null).ToList();
        Assert.NotEmpty(failed);
        Assert.All(first.Where(o => o is not null), o => Assert.Equal(SubmitOutcome.Processed, o));

        // Nothing that failed was applied: the retry is processed (not a duplicate), and nothing acknowledged was lost.
        var acknowledged = Enumerable.Range(0, senders).Where(i => first[i] is not null).Select(i => $"c{i:D2}").ToHashSet();
        var afterFailure = await _client.StatementIdsAsync(tx);
        Assert.Subset(afterFailure.ToHashSet(), acknowledged);
        foreach (var sender in failed)
        {
            Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit($"c{sender:D2}", 1))).Outcome);
        }

        var statement = await _client.StatementIdsAsync(tx);
        Assert.Equal(senders + 1, statement.Count);
        Assert.Equal(statement.Count, statement.Distinct().Count());

        await c.AssertCheckerCleanAsync(tx);
    }
}

/// <summary>The group commit tests on the default layout of transaction records (a partition per transaction, a request per record).</summary>
[Collection(GroupCommitDefinition.Name)]
public sealed class DefaultLayoutGroupCommitTests(GroupCommitFixture fixture, ITestOutputHelper output) : GroupCommitTests(fixture, output);

/// <summary>The group commit tests on the batching layout of transaction records (shared buckets, entity group transactions).</summary>
[Collection(BatchingGroupCommitDefinition.Name)]
public sealed class BatchingLayoutGroupCommitTests(BatchingGroupCommitFixture fixture, ITestOutputHelper output) : GroupCommitTests(fixture, output);
