using OrleansRecovery.Ledger;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// What the admin page's operations panel reads, on a 2-silo cluster over Azurite: which campaigns and scopes are in progress
/// comes from the recovery registry (<see cref="IRecoveryRegistryGrain.CountByCampaignAsync"/>), with no record of its own, and
/// converges back to what storage holds after the silo running the campaign is killed while it enters members; who started,
/// completed or closed one, and why, is kept in its own record.
/// </summary>
[Collection(OutageClusterDefinition.Name)]
public sealed class OperationsViewTests(OutageClusterFixture fixture, ITestOutputHelper output)
{
    private readonly TransactionTestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    private IRecoveryRegistryGrain Registry => _client.GetGrain<IRecoveryRegistryGrain>(0);

    [Fact]
    public async Task ACampaignInProgress_IsListedByTheRegistry_AndConvergesAfterItsSiloIsKilledWhileEntering()
    {
        const int size = 1_500;
        var campaignId = Ids.Transaction("ops-campaign");
        var members = Enumerable.Range(0, size).Select(i => $"{campaignId}-m{i:D4}").ToList();
        var campaign = _client.GetGrain<IRecoveryCampaignGrain>(campaignId);
        await campaign.CreateAsync("PSP incident 4711");
        await campaign.AddMembersAsync(members);
        Assert.DoesNotContain(await Registry.CountByCampaignAsync(100), c => c.CampaignId == campaignId); // a draft lists nobody

        await campaign.StartAsync("incident confirmed [by carol via admin page]");

        // The moment that matters: members are being entered (each listed before its write), the cursor is part-way.
        var host = await Eventually.WaitForAsync(async () =>
        {
            var address = await _client.GetGrain<IManagementGrain>(0).GetActivationAddress(campaign);
            return _cluster.Cluster.Silos.FirstOrDefault(s => address is not null && s.SiloAddress.Equals(address));
        }, h => h is not null, LedgerReads.Timeout, "the campaign is active");
        // Polled tighter than Eventually's 100 ms, to kill as soon as the first members are listed.
        IReadOnlyList<RegistryCampaignCounts> listedBefore;
        var deadline = DateTimeOffset.UtcNow + LedgerReads.Timeout;
        while (!(listedBefore = await Registry.CountByCampaignAsync(100)).Any(c => c.CampaignId == campaignId))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "no member of the started campaign was listed in time");
            await Task.Delay(20);
        }

        var before = await campaign.GetProgressAsync();
        await _cluster.Cluster.KillSiloAsync(host!);
        var listedAtKill = listedBefore.Single(c => c.CampaignId == campaignId).Counts.Recovering;
        output.WriteLine($"killed the campaign's silo at {before.State}, cursor {before.Entered}/{before.Members}, {listedAtKill} listed");
        Assert.True(listedAtKill < size, $"the kill came after every member was listed ({listedAtKill}); it must come part-way");
        try
        {
            // The registry's view converges to what the members' records say: every member recovering, under this campaign.
            var listed = await Eventually.WaitForAsync(() => Registry.CountByCampaignAsync(100),
                all => all.SingleOrDefault(c => c.CampaignId == campaignId) is { Counts.Recovering: size },
                TimeSpan.FromSeconds(180), "the registry lists every member of the campaign as recovering");
            var counts = listed.Single(c => c.CampaignId == campaignId);
            Assert.Null(counts.Scope);
            Assert.Equal((size, 0L, 0L, (long)size), (counts.Counts.Recovering, counts.Counts.Faulted, counts.Counts.Replaying, counts.Counts.Total));
            var progress = await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Entered,
                TimeSpan.FromSeconds(180), "the campaign resumed and entered every member");
            Assert.True(before.Entered < size || before.State == CampaignState.Entered);
            Assert.Equal(counts.Counts.Recovering, progress.Recovering);
            var stored = await Task.WhenAll(members.Take(50).Select(m => _client.GetStatusAsync(m)));
            Assert.All(stored, s => Assert.Equal(campaignId, s.Recovery!.CampaignId));

            // Who started it and why survived the kill: it is in the campaign's record, not in the silo's memory.
            Assert.Equal("incident confirmed [by carol via admin page]", progress.StartReason);

            // Parked messages show in the per-campaign depth.
            await _client.SubmitAsync(members[0], LedgerMessages.Credit("parked-1", 3));
            await _client.SubmitAsync(members[1], LedgerMessages.Credit("parked-2", 3));
            await Eventually.WaitUntilAsync(async () => (await Registry.CountByCampaignAsync(100)).Single(c => c.CampaignId == campaignId).Counts.Pending == 2,
                LedgerReads.Timeout, "the registry counts the two parked messages");
            Assert.True((await Registry.CountAsync(RegistryQuery.All)).Pending >= 2);

            await campaign.CompleteAllAsync(LedgerMessageTypes.Reconciled, "{}", "end-of-day file matched [by carol via admin page]");
            var done = await Eventually.WaitForAsync(campaign.GetProgressAsync, p => p.State == CampaignState.Done,
                TimeSpan.FromSeconds(120), "every member is back to Normal");
            Assert.Equal("end-of-day file matched [by carol via admin page]", done.CompletionReason);
            Assert.Equal("incident confirmed [by carol via admin page]", done.StartReason);
            await Eventually.WaitUntilAsync(async () => (await Registry.CountByCampaignAsync(100)).All(c => c.CampaignId != campaignId),
                LedgerReads.Timeout, "a done campaign is no longer listed");
        }
        finally
        {
            await _cluster.EnsureSiloCountAsync(2);
        }
    }

    [Fact]
    public async Task AScopeInProgress_IsListedUnderItsName_AndItsClosingKeepsWhoAndWhy()
    {
        var scope = Ids.Transaction("ops-bank");
        var grain = _client.GetGrain<IRecoveryScopeGrain>(scope);
        var opened = await grain.OpenAsync("ledger API down [by carol via admin page]");
        var accounts = Enumerable.Range(0, 3).Select(i => $"{scope}::acct-{i}").ToList();
        foreach (var tx in accounts)
        {
            Assert.Equal(SubmitOutcome.Queued, (await _client.SubmitAsync(tx, LedgerMessages.Credit("c1", 5))).Outcome);
        }

        var listed = await Eventually.WaitForAsync(() => Registry.CountByCampaignAsync(100),
            all => all.SingleOrDefault(c => c.Scope == scope) is { Counts.Recovering: 3 }, LedgerReads.Timeout, "the scope's three accounts are listed");
        var counts = listed.Single(c => c.Scope == scope);
        Assert.Equal(opened.CampaignId, counts.CampaignId);
        Assert.Equal(3, counts.Counts.Pending);

        await Assert.ThrowsAsync<ArgumentException>(() => grain.CloseAsync(" "));
        var closed = await grain.CloseAsync("ledger API back [by dave via admin page]");
        Assert.False(closed.IsOpen);
        Assert.Equal("ledger API back [by dave via admin page]", closed.CloseReason);
        Assert.Equal("ledger API down [by carol via admin page]", closed.Reason);

        // Stored, not remembered: a fresh activation reads the same.
        await _client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal("ledger API back [by dave via admin page]", (await grain.GetStateAsync()).CloseReason);

        // Reopening starts a new opening: the last closing's reason no longer applies.
        var reopened = await grain.OpenAsync("down again");
        Assert.Null(reopened.CloseReason);
        await grain.CloseAsync();
    }
}
