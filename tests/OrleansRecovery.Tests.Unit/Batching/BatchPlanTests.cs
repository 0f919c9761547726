using Azure.Data.Tables;
using OrleansRecovery.Batching;

namespace OrleansRecovery.Tests.Unit.Batching;

/// <summary>How writes waiting in a bucket are cut into entity group transactions, and how a refused batch is split.</summary>
public sealed class BatchPlanTests
{
    private static RecordWrite Write(string owner, int records = 1, int bytesEach = 100)
    {
        var actions = Enumerable.Range(0, records)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                RecordEntity.ToEntity("b000000", BucketKeys.RowKey(owner, "r" + i), new byte[bytesEach])))
            .ToList();
        return new RecordWrite(owner, actions);
    }

    [Fact]
    public void Writes_FillBatchesUpToTheOperationLimit_InArrivalOrder()
    {
        var writes = Enumerable.Range(0, 250).Select(i => Write($"t{i}")).ToList();

        var (batches, deferred) = BatchPlan.Cut(writes, maxOperations: 100, maxBytes: 4_000_000);

        Assert.Empty(deferred);
        Assert.Equal([100, 100, 50], batches.Select(b => b.Count));
        Assert.Equal(writes, batches.SelectMany(b => b));
    }

    [Fact]
    public void AWrite_IsNeverSplitAcrossBatches()
    {
        var writes = new[] { Write("a", records: 60), Write("b", records: 60), Write("c", records: 40) };

        var (batches, _) = BatchPlan.Cut(writes, maxOperations: 100, maxBytes: 4_000_000);

        Assert.Equal([["a"], ["b", "c"]], batches.Select(b => b.Select(w => w.Owner).ToArray()));
        Assert.All(batches, b => Assert.True(b.Sum(w => w.Actions.Count) <= 100));
    }

    [Fact]
    public void Batches_StayUnderTheByteLimit_CountingBase64AndPerOperationOverhead()
    {
        // 200,000 bytes is ~266,668 as base64 plus overheads: four fit under 1,100,000, a fifth does not.
        var writes = Enumerable.Range(0, 9).Select(i => Write($"t{i}", bytesEach: 200_000)).ToList();

        var (batches, _) = BatchPlan.Cut(writes, maxOperations: 100, maxBytes: 1_100_000);

        Assert.Equal([4, 4, 1], batches.Select(b => b.Count));
        Assert.All(batches, b => Assert.True(b.Sum(w => w.EstimatedBytes) <= 1_100_000));
        Assert.True(writes[0].EstimatedBytes > 266_668, "binary bytes are counted as base64");
    }

    [Fact]
    public void ASecondWriteOfTheSameTransaction_WaitsForTheNextFlush_SoItsWritesStayInOrder()
    {
        var first = Write("a");
        var other = Write("b");
        var second = Write("a");

        var (batches, deferred) = BatchPlan.Cut([first, other, second], maxOperations: 100, maxBytes: 4_000_000);

        Assert.Equal([first, other], Assert.Single(batches));
        Assert.Equal([second], deferred);
    }

    [Fact]
    public void AWriteLargerThanABatch_IsPlannedAlone_AndMarkedOversized()
    {
        var big = Write("big", records: 120);
        var small = Write("small");

        var (batches, _) = BatchPlan.Cut([small, big], maxOperations: 100, maxBytes: 4_000_000);

        Assert.Equal(2, batches.Count);
        Assert.Equal([big], batches[1]);
        Assert.True(BatchPlan.IsOversized(big, 100, 4_000_000));
        Assert.False(BatchPlan.IsOversized(small, 100, 4_000_000));
    }

    [Theory]
    [InlineData(0, "a")]
    [InlineData(1, "b")]
    [InlineData(3, "b")]
    [InlineData(4, "c")]
    public void ARefusedOperation_FailsTheWriteHoldingIt_AndLeavesTheOthersToResend(int failedAction, string expected)
    {
        var batch = new List<RecordWrite> { Write("a"), Write("b", records: 3), Write("c") };

        var (failed, others) = BatchPlan.SplitAt(batch, failedAction);

        Assert.Equal(expected, failed.Owner);
        Assert.Equal(batch.Where(w => w.Owner != expected), others);
    }

    [Fact]
    public void ARefusedOperationPastTheBatch_IsAnError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchPlan.SplitAt([Write("a")], 1));
    }
}
