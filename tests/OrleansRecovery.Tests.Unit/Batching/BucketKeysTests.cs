using OrleansRecovery.Batching;

namespace OrleansRecovery.Tests.Unit.Batching;

/// <summary>Where the batching layout keeps a transaction: a stable bucket, and row keys Azure accepts that never collide.</summary>
public sealed class BucketKeysTests
{
    [Fact]
    public void Bucket_IsFnv1aOfTheUtf8Id_SoItNeverChangesAcrossProcessesOrReleases()
    {
        // FNV-1a 32 of "a" is 0xE40C292C; of "" the offset basis 0x811C9DC5.
        Assert.Equal((int)(0xE40C292Cu % 1000u), BucketKeys.Bucket("a", 1000));
        Assert.Equal((int)(0x811C9DC5u % 7u), BucketKeys.Bucket("", 7));
        Assert.Equal(BucketKeys.Bucket("acct-é", 64), BucketKeys.Bucket("acct-é", 64));
    }

    [Fact]
    public void Buckets_SpreadIdsEvenly()
    {
        var counts = new int[32];
        for (var i = 0; i < 32_000; i++)
        {
            counts[BucketKeys.Bucket($"account-{i}", 32)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Theory]
    [InlineData("plain-id", "plain-id")]
    [InlineData("a|b", "a%007Cb")]
    [InlineData("50%", "50%0025")]
    [InlineData("x/y\\z#?", "x%002Fy%005Cz%0023%003F")]
    [InlineData("tab\there", "tab%0009here")]
    public void Ids_AreEscapedForTableKeys(string id, string escaped) => Assert.Equal(escaped, BucketKeys.EscapeId(id));

    [Fact]
    public void DistinctIds_GiveDistinctRowKeys_AndEachIdsRowsFallInItsOwnRange()
    {
        string[] ids = ["acct", "acct|txn", "acct%007Ctxn", "acct}", "acctb", "acc"];
        var headers = ids.Select(id => BucketKeys.RowKey(id, "txn")).ToList();
        Assert.Equal(ids.Length, headers.Distinct(StringComparer.Ordinal).Count());

        foreach (var id in ids)
        {
            var (from, to) = BucketKeys.RowRange(id);
            foreach (var other in ids)
            {
                var inRange = string.CompareOrdinal(BucketKeys.RowKey(other, "txn-pending-000000000001"), from) >= 0
                    && string.CompareOrdinal(BucketKeys.RowKey(other, "txn-pending-000000000001"), to) < 0;
                Assert.Equal(id == other, inRange);
            }
        }
    }
}
