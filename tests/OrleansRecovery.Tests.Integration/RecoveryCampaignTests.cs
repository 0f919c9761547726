using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Campaigns over an explicit set on a 2-silo cluster: members added in pages, entered in steps with a stored cursor, resumed after
/// the campaign's silo is killed without putting anyone in twice, completed in bulk, with progress from the registry.
/// </summary>
[Collection(OutageClusterDefinition.Name)]
public sealed class RecoveryCampaignTests(OutageClusterFixture fixture)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Campaign_EntersEveryMember_ResumesAfterItsSiloIsKilled_AndCompletesInBulk()
    {
        var campaignId = Ids.Transaction("campaign");
        var members = Enumerable.Range(0, 600).Select(i => $"{campaignId}-m{i:D4}").ToList();
        var campaign = _client.GetGrain<IRecoveryCampaignGrain>(campaignId);
        await campaign.CreateAsync("ledger outage 12:00-12:40");
        await campaign.AddMembersAsync(members[..350]);
        Assert.Equal(600, await campaign.AddMembersAsync([.. members[300..], members[0]])); // repeats are skipped
        var page = await campaign.GetMembersAsync(500, 1_000);
        Assert.Equal(members[500..], page);

        await campaign.StartAsync();

        // Kill the silo holding the campaign while it is entering members; a call reactivates it and it resumes from its cursor.
        var host = await Eventually.WaitForAsync(async () =>
        {
            var address = await _client.GetGrain<IManagementGrain>(0).GetActivationAddress(campaign);
            return _cluster.Cluster.Silos.FirstOrDefault(s => address is not null && s.SiloAddress.Equals(address));
        }, h => h is not null, LedgerReads.Timeout, "the campaign is active");
        var before = await campaign.GetProgressAsync();
        await _cluster.Cluster.KillSiloAsync(host!);
        try
        {
            var entered = await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Entered,
                TimeSpan.FromSeconds(120), "every member entered recovery");
            Assert.Equal(600, entered.Members);
            Assert.Equal(600, entered.Entered);
            Assert.True(before.Entered < 600 || before.State == CampaignState.Entered);
            await Eventually.WaitUntilAsync(async () => (await campaign.GetProgressAsync()).Recovering == 600, LedgerReads.Timeout,
                "the registry lists all 600 members as recovering");

            // Each member joined once: one recovery, of this campaign.
            foreach (var tx in members.Take(60))
            {
                var status = await _client.GetStatusAsync(tx);
                Assert.Equal(TransactionMode.Recovering, status.Mode);
                Assert.Equal(campaignId, status.Recovery!.CampaignId);
                Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("parked", 3))).Outcome);
            }

            await campaign.CompleteAllAsync(LedgerMessageTypes.Reconciled, "{}");
            var done = await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Done,
                TimeSpan.FromSeconds(120), "every member is back to Normal");
            Assert.Equal(600, done.BackToNormal);
            Assert.Equal(0, done.Recovering);
            Assert.Equal(600, done.Completed);

            foreach (var tx in members.Take(60))
            {
                var status = await _cluster.WaitForReplayAsync(tx, LedgerReads.Timeout);
                Assert.Equal(1, status.Counters.Processed);
                Assert.Equal(1, status.Counters.Replayed);
                Assert.Equal(["parked"], (await _client.GetDataAsync<LedgerData>(tx))!.StatementIds());
            }

            // Starting it again changes nothing: nobody is put in twice.
            await campaign.StartAsync();
            Assert.Equal(TransactionMode.Normal, (await _client.GetStatusAsync(members[0])).Mode);
        }
        finally
        {
            await _cluster.EnsureSiloCountAsync(2);
        }
    }

    [Fact]
    public async Task Campaign_BadInput_NamesWhatWasWrong_AndAddsNothing()
    {
        var campaignId = Ids.Transaction("campaign");
        var campaign = _client.GetGrain<IRecoveryCampaignGrain>(campaignId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => campaign.AddMembersAsync(["a"]));
        await campaign.CreateAsync("reason");

        var bad = await Assert.ThrowsAsync<ArgumentException>(() => campaign.AddMembersAsync(["ok-1", "bad/2", "ok-3"]));
        Assert.Contains("Member 1", bad.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was added", bad.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await campaign.GetProgressAsync()).Members);

        await Assert.ThrowsAsync<InvalidOperationException>(campaign.StartAsync);
        await Assert.ThrowsAsync<InvalidOperationException>(() => campaign.CreateAsync("another reason"));
        var tooMany = Enumerable.Range(0, IRecoveryCampaignGrain.MaxMembersPerCall + 1).Select(i => $"x{i}").ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => campaign.AddMembersAsync(tooMany));
    }

    [Fact]
    public async Task CampaignMembers_AreAnnouncedOnTheCampaignsStream_EachOnce_NotOnTheirOwn()
    {
        var campaignId = Ids.Transaction("announced");
        var members = Enumerable.Range(0, 150).Select(i => $"{campaignId}-m{i:D3}").ToList();
        var campaign = _client.GetGrain<IRecoveryCampaignGrain>(campaignId);
        await campaign.CreateAsync("downstream ledger unreachable");
        await campaign.AddMembersAsync(members);
        await campaign.StartAsync();
        await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Entered, LedgerReads.Timeout,
            "every member entered recovery");

        // The cursor passes a member only once its request is published: by now every member's request is on the campaign's
        // stream, many to a queue message, and arrives (once, in the absence of crashes) at its consumer.
        var received = await Eventually.WaitForAsync(() => _client.GetGrain<IRecoveryRequestProbeGrain>(campaignId).GetReceivedAsync(),
            r => r.Count >= members.Count, LedgerReads.Timeout, "the campaign's stream carries a request per member");
        Assert.Equal(members.Order(StringComparer.Ordinal), received.Select(r => r.TransactionId).Order(StringComparer.Ordinal));
        Assert.All(received, r => Assert.Equal(campaignId, r.CampaignId));
        var status = await _client.GetStatusAsync(members[7]);
        Assert.Equal(status.Recovery!.RecoveryId, received.Single(r => r.TransactionId == members[7]).RecoveryId);
        Assert.Empty(await _client.GetGrain<IRecoveryRequestProbeGrain>(members[7]).GetReceivedAsync());

        await campaign.CompleteAllAsync(LedgerMessageTypes.Reconciled, "{}");
        await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Done, LedgerReads.Timeout,
            "every member is back to Normal");
    }
}
