using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRecovery.Hosting;
using OrleansRecovery.Registry;
using OrleansRecovery.Testing;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// The registry scales with an outage (P13): a shard stores its entries in small pages, so the bytes a change writes do not grow
/// with the number listed; listings page through with a cursor and counts come per state; the single-record layout of earlier
/// versions is migrated; a report older than a removal does not list the transaction again. Entries are reported straight to
/// shards here (as transactions do), so thousands cost no transaction records; the reconciliation pass is far off
/// (<see cref="ScaleFixture"/>) so it does not remove these entries of transactions that were never stored.
/// </summary>
public sealed class RegistryScaleTests(RegistryScaleTests.ScaleFixture fixture, ITestOutputHelper output)
    : IClassFixture<RegistryScaleTests.ScaleFixture>
{
    private const int Shards = 4;
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task BytesPerChange_StayUnder2KB_AndDoNotGrowFrom200To2000Listed()
    {
        var shard = _client.GetGrain<IRecoveryRegistryShardGrain>(100);
        var ids = Enumerable.Range(0, 2_000).Select(_ => Guid.NewGuid().ToString()).ToList();
        await UpsertAllAsync(shard, ids.Take(200), DateTimeOffset.UtcNow);
        var at200 = await MeasureChangesAsync(shard, ids.Take(20));

        await UpsertAllAsync(shard, ids.Skip(200), DateTimeOffset.UtcNow);
        Assert.Equal(2_000, (await shard.CountAsync(RegistryQuery.All)).Counts.Total);
        var at2000 = await MeasureChangesAsync(shard, ids.Skip(1_000).Take(20));

        output.WriteLine($"bytes per change: 200 listed avg {at200.Average():F0} max {at200.Max()}; " +
            $"2,000 listed avg {at2000.Average():F0} max {at2000.Max()}");
        Assert.All(at200.Concat(at2000), b => Assert.InRange(b, 1, 2_048));
        Assert.True(at2000.Average() <= at200.Average() * 1.05 + 16,
            $"a change wrote {at2000.Average():F0} bytes on average at 2,000 listed against {at200.Average():F0} at 200");
    }

    [Fact]
    public async Task Listing_PagesThroughWithTheCursor_AndCountsByCampaignAndScope()
    {
        var campaign = "camp-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var entries = Enumerable.Range(0, 2_500).Select(i =>
        {
            var id = $"page-{campaign}-{i:D5}";
            var mode = (i % 5) switch { 0 => TransactionMode.Faulted, 1 => TransactionMode.Normal, _ => TransactionMode.Recovering };

            // Many entries share a Since, so the transaction id must break ties; i % 5 == 2 are recoveries begun long ago (stuck).
            var since = i % 5 == 2 ? now.AddHours(-1).AddSeconds(-(i % 7)) : now.AddSeconds(i % 10);
            return new RegistryEntry(id, mode, since, "paging", 0, null, now)
            {
                CampaignId = campaign,
                Scope = i % 2 == 0 ? "scope-even" : "scope-odd",
            };
        }).ToList();
        await Task.WhenAll(entries.Chunk(100).Select(async chunk =>
        {
            foreach (var e in chunk)
            {
                await _client.GetGrain<IRecoveryRegistryShardGrain>(RegistryShards.Of(e.TransactionId, Shards)).UpsertAsync(e);
            }
        }));

        var seen = new List<RegistryEntry>();
        var pages = 0;
        var query = new RegistryQuery { CampaignId = campaign, Limit = 1_000 };
        while (true)
        {
            var page = await _client.ListTransactionsAsync(query);
            if (page.Count == 0)
            {
                break;
            }

            pages++;
            Assert.True(page.Count <= 1_000);
            seen.AddRange(page);
            query = query with { After = RegistryCursor.After(page[^1]) };
        }

        Assert.Equal(3, pages);
        Assert.Equal(2_500, seen.Count);
        Assert.Equal(2_500, seen.Select(e => e.TransactionId).Distinct().Count());
        Assert.Equal(seen.OrderBy(e => e.Since).ThenBy(e => e.TransactionId, StringComparer.Ordinal).Select(e => e.TransactionId),
            seen.Select(e => e.TransactionId));

        var counts = await _client.GetGrain<IRecoveryRegistryGrain>(0).CountAsync(new RegistryQuery { CampaignId = campaign });
        Assert.Equal((1_500L, 500L, 500L, 500L, 2_500L), (counts.Recovering, counts.Stuck, counts.Faulted, counts.Replaying, counts.Total));
        Assert.Equal(entries.Min(e => e.Since), counts.OldestSince);
        var stuckOldest = entries.Where(e => e.Mode == TransactionMode.Recovering && e.Since < now.AddMinutes(-30))
            .OrderBy(e => e.Since).ThenBy(e => e.TransactionId, StringComparer.Ordinal).Take(RegistryCounts.MaxStuckIds).Select(e => e.TransactionId);
        Assert.Equal(stuckOldest, counts.StuckTransactionIds);

        var even = await _client.GetGrain<IRecoveryRegistryGrain>(0).CountAsync(new RegistryQuery { CampaignId = campaign, Scope = "scope-even" });
        var evens = entries.Where(e => e.Scope == "scope-even").ToList();
        Assert.Equal(evens.Count, even.Total);
        Assert.Equal(evens.Count(e => e.Mode == TransactionMode.Faulted), even.Faulted);
        Assert.Equal(evens.Count(e => e.Mode == TransactionMode.Normal), even.Replaying);
    }

    [Fact]
    public async Task ASingleRecordShard_IsMigratedIntoPages_OnActivation()
    {
        const long key = 200;
        var shardId = _client.GetGrain<IRecoveryRegistryShardGrain>(key).GetGrainId();
        var storage = fixture.SiloStorage();
        var now = DateTimeOffset.UtcNow;
        var legacy = new RegistryShardRecord();
        for (var i = 0; i < 30; i++)
        {
            var id = $"legacy-{i:D2}";
            legacy.Entries[id] = new RegistryEntry(id, TransactionMode.Recovering, now.AddSeconds(i), new string('r', 500), 3, now, now);
        }

        await storage.WriteStateAsync(RegistryStateNames.Legacy, shardId, new GrainState<RegistryShardRecord>(legacy));

        var listed = await _client.GetGrain<IRecoveryRegistryShardGrain>(key).ListAsync(new RegistryQuery { Limit = 100 });
        Assert.Equal(legacy.Entries.Keys.Order(StringComparer.Ordinal), listed.Select(e => e.TransactionId));
        Assert.All(listed, e => Assert.Equal(RegistryView.MaxReasonLength, e.Reason.Length));

        var old = new GrainState<RegistryShardRecord>(new RegistryShardRecord());
        await storage.ReadStateAsync(RegistryStateNames.Legacy, shardId, old);
        Assert.False(old.RecordExists, "the single record is cleared after the migration");
        var meta = new GrainState<RegistryShardMetaRecord>(new RegistryShardMetaRecord());
        await storage.ReadStateAsync(RegistryStateNames.Meta, shardId, meta);
        Assert.True(meta.RecordExists);
        Assert.True(meta.State!.LegacyMigrated);
        Assert.Equal((30 + RecoveryRegistryShardGrain.SlotsPerPage - 1) / RecoveryRegistryShardGrain.SlotsPerPage, meta.State.PageCount);
        var stored = 0;
        for (var page = 0; page < meta.State.PageCount; page++)
        {
            var record = new GrainState<RegistryPageRecord>(new RegistryPageRecord());
            await storage.ReadStateAsync(RegistryStateNames.Page(page), shardId, record);
            stored += record.State!.Slots.Count(s => s is not null);
        }

        Assert.Equal(30, stored);
    }

    [Fact]
    public async Task AReportOlderThanARemoval_DoesNotListTheTransactionAgain()
    {
        var shard = _client.GetGrain<IRecoveryRegistryShardGrain>(300);
        var id = "late-" + Guid.NewGuid().ToString("N");
        var t1 = DateTimeOffset.UtcNow;
        var entry = new RegistryEntry(id, TransactionMode.Normal, t1, "Replaying parked messages.", 5, t1, t1);
        await shard.UpsertAsync(entry);
        await shard.RemoveAsync(id, t1.AddSeconds(2));

        // A depth refresh sent before the removal arrives after it: dropped.
        await shard.UpsertAsync(entry with { PendingCount = 2, UpdatedAt = t1.AddSeconds(1) });
        Assert.DoesNotContain(await shard.ListAsync(RegistryQuery.All), e => e.TransactionId == id);

        // A removal older than the entry held is ignored; a report after the removal lists the transaction again.
        await shard.UpsertAsync(entry with { Mode = TransactionMode.Recovering, UpdatedAt = t1.AddSeconds(3) });
        await shard.RemoveAsync(id, t1.AddSeconds(2.5));
        Assert.Contains(await shard.ListAsync(RegistryQuery.All), e => e.TransactionId == id && e.Mode == TransactionMode.Recovering);
    }

    private static async Task UpsertAllAsync(IRecoveryRegistryShardGrain shard, IEnumerable<string> ids, DateTimeOffset now) =>
        await Task.WhenAll(ids.Chunk(50).Select(async chunk =>
        {
            foreach (var id in chunk)
            {
                await shard.UpsertAsync(RealisticEntry(id, TransactionMode.Recovering, now));
            }
        }));

    /// <summary>Changes the mode of each entry, one call at a time, and returns the bytes written for each change.</summary>
    private async Task<List<int>> MeasureChangesAsync(IRecoveryRegistryShardGrain shard, IEnumerable<string> ids)
    {
        var shardId = shard.GetGrainId();
        var sizes = new List<int>();
        foreach (var id in ids)
        {
            fixture.Storage.Writes.Clear();
            await shard.UpsertAsync(RealisticEntry(id, TransactionMode.Faulted, DateTimeOffset.UtcNow));
            sizes.Add(fixture.Storage.Writes.Where(w => w.GrainId == shardId).Sum(w => w.Bytes));
        }

        return sizes;
    }

    /// <summary>An entry as a recovering transaction with a GUID id reports it: a long reason (the registry keeps 120 characters), a recovery id, scope and campaign.</summary>
    private static RegistryEntry RealisticEntry(string id, TransactionMode mode, DateTimeOffset now) =>
        new(id, mode, now.AddMinutes(-1), "Ledger service unavailable: " + new string('x', 300), 1_234, now.AddMinutes(-1), now)
        {
            RecoveryId = Guid.NewGuid().ToString("N"),
            Scope = "ledger-eu-west",
            CampaignId = "campaign-2026-12-02",
        };

    /// <summary>One silo; registry shards counted in bytes per write; the reconciliation pass far off.</summary>
    public sealed class ScaleFixture : LedgerClusterFixture
    {
        private ByteCountingGrainStorage? _storage;

        public ByteCountingGrainStorage Storage => _storage ?? throw new InvalidOperationException("The fixture is not started.");

        /// <summary>The silo's transaction storage (what the shards read and write).</summary>
        public IGrainStorage SiloStorage()
        {
            var services = Cluster.Cluster.Silos[0].ServiceProvider;
            var name = services.GetRequiredService<IOptions<TransactionRecoveryOptions>>().Value.StorageProviderName;
            return services.GetRequiredKeyedService<IGrainStorage>(name);
        }

        protected override void Configure(TransactionTestClusterOptions options)
        {
            options.SiloCount = 1;
            options.ConfigureRecovery = o =>
            {
                o.RegistryShards = Shards;
                o.RegistryReportInterval = TimeSpan.Zero;
                o.RegistryReconcileInterval = TimeSpan.FromHours(1);
            };
            options.WrapStorage = (services, inner) => _storage = new ByteCountingGrainStorage(inner, services.GetRequiredService<Serializer>());
        }
    }
}
