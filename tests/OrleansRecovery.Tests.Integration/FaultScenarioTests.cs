using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;
using OrleansRecovery.Storage;
using OrleansRecovery.Testing;
using OrleansRecovery.Testing.Checking;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Fault scenarios of issue 3 (1, 3, 7, 10): a write that lands while its caller never hears of it (the silo dies, or storage
/// fails after storing), a second writer bumping the ETag, and a stream idle past its inactivity period. Each ends with the
/// statement: every message applied exactly once.
/// </summary>
[Collection(FaultScenarioDefinition.Name)]
public sealed class FaultScenarioTests(FaultScenarioFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;
    private readonly StorageFaults _faults = fixture.Faults;

    public Task InitializeAsync() => _cluster.EnsureSiloCountAsync(2);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Scenario 3, a normal message: the write is stored, the caller sees an error, its retry is a Duplicate.</summary>
    [Fact]
    public async Task StorageErrorAfterTheWrite_OfANormalMessage_TheRetryIsDuplicate_AndAppliedOnce()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        _faults.FailNextWritesAfterStoring(_cluster.GrainIdOf(tx), 1);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5)));
        Assert.Contains("after writing", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _faults.RemainingAfterStoring(_cluster.GrainIdOf(tx)));

        Assert.Equal(SubmitOutcome.Duplicate, (await c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5))).Outcome);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["opening", "c1"], data.StatementIds());
        Assert.Equal(105, data.Balance);
        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit("c2", 1))).Outcome);
        Assert.Equal(["opening", "c1", "c2"], await _client.StatementIdsAsync(tx));

        await c.AssertCheckerCleanAsync(tx);
    }

    /// <summary>Scenario 3, a parked message: the retry is a Duplicate and no second pending entry appears.</summary>
    [Fact]
    public async Task StorageErrorAfterTheWrite_OfAParkedMessage_TheRetryIsDuplicate_AndNoSecondPendingEntry()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var recovery = await _client.BeginRecoveryAsync(tx, "outage");
        _faults.FailNextWritesAfterStoring(_cluster.GrainIdOf(tx), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("p1", 5)));
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).PendingCount);

        Assert.Equal(SubmitOutcome.Duplicate, (await c.SubmitAsync(tx, LedgerMessages.Credit("p1", 5))).Outcome);
        Assert.Equal(1, (await _client.GetStatusAsync(tx)).PendingCount);
        Assert.Equal(SubmitOutcome.Queued, (await c.SubmitAsync(tx, LedgerMessages.Credit("p2", 7))).Outcome);
        Assert.Equal(2, (await _client.GetStatusAsync(tx)).PendingCount);

        await c.SubmitAsync(tx, LedgerMessages.Reconciled("done", recovery.RecoveryId), expectEffect: false);
        await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["p1", "p2"], data.StatementIds());
        Assert.Equal(12, data.Balance);

        await c.AssertCheckerCleanAsync(tx);
    }

    /// <summary>
    /// Scenario 1: the write lands, then the silo hosting the transaction is killed before the answer leaves it (the write is
    /// held after storing until the kill). The sender's retry reaches the other silo, which loads the stored record: Duplicate,
    /// one effect.
    /// </summary>
    [Fact]
    public async Task SiloKilledAfterTheWrite_BeforeTheAnswer_TheRetryIsDuplicate_AndAppliedOnce()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));
        var hold = _faults.HoldNextWriteAfterStoring(_cluster.GrainIdOf(tx));
        try
        {
            var first = c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5));
            await hold.Stored.WaitAsync(LedgerReads.Timeout);
            var clock = Stopwatch.StartNew();
            var killed = await _cluster.KillHostAsync(tx);
            output.WriteLine($"killed {killed.SiloAddress} after the write of c1 was stored ({clock.ElapsedMilliseconds} ms)");

            // The sender retries until the transaction answers again, on the surviving silo.
            var retry = await Eventually.WaitForAsync(() => c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5)), _ => true,
                FailoverTimeout, "the retry of c1 is answered after the silo was killed");
            output.WriteLine($"retry answered {retry.Outcome} {clock.ElapsedMilliseconds} ms after the kill");
            Assert.Equal(SubmitOutcome.Duplicate, retry.Outcome);
            var host = await _cluster.FindHostAsync(tx);
            Assert.NotNull(host);
            Assert.NotEqual(killed.SiloAddress, host.SiloAddress);

            // The sender never got an answer to the first call: it failed, or still waits for a reply that cannot come.
            Assert.False(first.IsCompletedSuccessfully, "The first call was answered although its silo was killed before answering.");
            output.WriteLine($"first call: {(first.IsFaulted ? first.Exception!.InnerException!.GetType().Name : "no answer yet")}");

            var data = await _client.DataAsync(tx);
            Assert.Equal(["opening", "c1"], data.StatementIds());
            Assert.Equal(105, data.Balance);
            _ = first.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
        finally
        {
            hold.Release();
        }

        await c.AssertCheckerCleanAsync(tx);
    }

    /// <summary>
    /// Scenario 7: a second writer (a simulated duplicate activation) stores the header after the grain loaded it. The grain's
    /// next write fails on the ETag (the caller sees the conflict), the grain reloads, and the retry is applied on top of the
    /// other writer's change, which is not overwritten.
    /// </summary>
    [Fact]
    public async Task SecondWriterBumpsTheETag_TheGrainDetectsTheConflict_Reloads_AndOverwritesNothing()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        await c.SubmitAsync(tx, LedgerMessages.Credit("opening", 100));

        // The other writer: a fresh read and write of the same header record through the silo's storage provider.
        var services = _cluster.Cluster.Silos.First(s => s.IsActive).ServiceProvider;
        var providerName = services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.StorageProviderName;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(providerName);
        var header = new GrainState<TransactionHeaderRecord>(new TransactionHeaderRecord());
        await storage.ReadStateAsync(StateNames.Header, _cluster.GrainIdOf(tx), header);
        var before = header.ETag;
        var ledger = Assert.IsType<LedgerData>(header.State!.Data);
        header.State.Data = ledger.Post("other-writer", LedgerMessageTypes.Credit, 1000);
        await storage.WriteStateAsync(StateNames.Header, _cluster.GrainIdOf(tx), header);
        Assert.NotEqual(before, header.ETag);

        // The other writer's entry is durably stored: the checker expects it exactly once, like an acknowledged message.
        c.Record(tx, "other-writer", AckOutcome.Processed, "other-writer");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5)));
        output.WriteLine($"conflicting write: {error.GetType().Name}: {error.Message}");
        Assert.IsAssignableFrom<InconsistentStateException>(error);

        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5))).Outcome);
        Assert.Equal(SubmitOutcome.Duplicate, (await c.SubmitAsync(tx, LedgerMessages.Credit("c1", 5))).Outcome);
        var data = await _client.DataAsync(tx);
        Assert.Equal(["opening", "other-writer", "c1"], data.StatementIds());
        Assert.Equal(1105, data.Balance);
        var stored = Assert.IsType<LedgerData>((await _cluster.ReadHeaderAsync(tx))!.Data);
        Assert.Equal(["opening", "other-writer", "c1"], stored.StatementIds());

        await c.AssertCheckerCleanAsync(tx);
    }

    /// <summary>
    /// Scenario 10: a transaction's inbound stream stays idle past the pulling agent's inactivity period (the agent drops the
    /// stream from its cache), then gets a new event: it is delivered and applied.
    /// </summary>
    [Fact]
    public async Task StreamIdlePastItsInactivityPeriod_ThenAnEvent_IsDelivered()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var publisher = _cluster.CreatePublisher();
        await c.PublishAsync(publisher, tx, LedgerMessages.Credit("s1", 5));
        await Eventually.WaitUntilAsync(async () => (await _client.GetStatusAsync(tx)).Counters.Processed == 1,
            LedgerReads.Timeout, "the first streamed credit is applied");

        // Being idle is this scenario's subject, and nothing outside the pulling agent shows when it dropped the stream: wait the
        // inactivity period plus the agent's next checks (it polls every 50 ms here), with nothing else for this stream.
        await Task.Delay(FaultScenarioFixture.StreamInactivityPeriod + TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        await c.PublishAsync(publisher, tx, LedgerMessages.Credit("s2", 7));
        var status = await Eventually.WaitForAsync(() => _client.GetStatusAsync(tx), s => s.Counters.Processed == 2,
            LedgerReads.Timeout, "the credit streamed after the idle period is applied");
        output.WriteLine($"delivered {clock.ElapsedMilliseconds} ms after publishing");
        Assert.Equal(0, status.Counters.Rejected);
        Assert.Equal(["s1", "s2"], await _client.StatementIdsAsync(tx));

        await c.AssertCheckerCleanAsync(tx);
    }
}

/// <summary>
/// Scenario 9: Azurite (on disk) is killed in the middle of a run and started again on the same ports and data: calls fail
/// while it is down, no acknowledged message is lost, and processing resumes.
/// </summary>
[Collection(StorageOutageDefinition.Name)]
public sealed class StorageOutageTests(StorageOutageFixture fixture, ITestOutputHelper output)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task AzuriteKilledAndRestarted_CallsFailWhileDown_NoAcknowledgedMessageIsLost_AndProcessingResumes()
    {
        var tx = Ids.Transaction();
        var c = new CheckedClient(_client, output);
        var acknowledged = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = Ids.Message(i);
            Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit(id, 1))).Outcome);
            acknowledged.Add(id);
        }

        // Azurite saves its on-disk table database about every 5 s, and only while it has unsaved changes; only what it saved
        // survives a kill. Wait for a save that happened after the last acknowledged message (the file's write time) and has had
        // 300 ms to finish, instead of sleeping. Each check writes a scratch row so that a further save always comes.
        var lastAck = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var scratch = new TableClient(_cluster.ConnectionString, "OutageScratch");
        await scratch.CreateIfNotExistsAsync();
        await Eventually.WaitUntilAsync(async () =>
            {
                await scratch.UpsertEntityAsync(new TableEntity("scratch", "dirty") { ["At"] = DateTimeOffset.UtcNow });
                return fixture.TableDatabaseSavedUtc() is { } saved
                    && saved > lastAck.AddMilliseconds(200) && DateTime.UtcNow - saved > TimeSpan.FromMilliseconds(300);
            },
            TimeSpan.FromSeconds(90), "Azurite saved its table database after the last acknowledged message");
        output.WriteLine($"flushed {clock.ElapsedMilliseconds} ms after the last acknowledgement");

        await fixture.StopAzuriteAsync();
        clock.Restart();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => c.SubmitAsync(tx, LedgerMessages.Credit("down", 1)));
        output.WriteLine($"while down ({clock.ElapsedMilliseconds} ms): {error.GetType().Name}: {error.Message.Split('\n')[0]}");
        await Assert.ThrowsAnyAsync<Exception>(() => _client.GetStatusAsync(tx));

        await fixture.StartAzuriteAgainAsync();
        clock.Restart();

        // The sender retries the message that failed until storage answers again.
        var retried = await Eventually.WaitForAsync(() => c.SubmitAsync(tx, LedgerMessages.Credit("down", 1)), _ => true,
            TimeSpan.FromSeconds(60), "the message that failed during the outage is answered after Azurite restarted");
        output.WriteLine($"resumed {clock.ElapsedMilliseconds} ms after the restart: {retried.Outcome}");
        Assert.Contains(retried.Outcome, new[] { SubmitOutcome.Processed, SubmitOutcome.Duplicate });
        Assert.Equal(SubmitOutcome.Processed, (await c.SubmitAsync(tx, LedgerMessages.Credit("after", 1))).Outcome);

        var data = await _client.DataAsync(tx);
        Assert.Equal([.. acknowledged, "down", "after"], data.StatementIds());
        Assert.Equal(22, data.Balance);
        var stored = Assert.IsType<LedgerData>((await _cluster.ReadHeaderAsync(tx))!.Data);
        Assert.Equal([.. acknowledged, "down", "after"], stored.StatementIds());

        await c.AssertCheckerCleanAsync(tx);
    }
}
