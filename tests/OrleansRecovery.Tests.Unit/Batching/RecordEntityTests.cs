using OrleansRecovery.Batching;

namespace OrleansRecovery.Tests.Unit.Batching;

/// <summary>A record's bytes in a table entity: split over 64 KiB binary properties, joined back in order, capped at 15.</summary>
public sealed class RecordEntityTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(65_536, 1)]
    [InlineData(65_537, 2)]
    [InlineData(983_040, 15)]
    public void Bytes_AreSplitOverBinaryProperties_AndJoinedBack(int length, int properties)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        var entity = RecordEntity.ToEntity("b000001", "tx|txn", data);

        Assert.Equal(properties, entity.Keys.Count(k => k.StartsWith('D')));
        Assert.Equal(data, RecordEntity.Data(entity));
    }

    [Fact]
    public void ARecordOverTheEntityLimit_IsRefused_NamingTheRecordAndTheLimit()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RecordEntity.ToEntity("b000001", "tx|txn", new byte[983_041]));

        Assert.Contains("tx|txn", error.Message, StringComparison.Ordinal);
        Assert.Contains("983040", error.Message, StringComparison.Ordinal);
    }
}
