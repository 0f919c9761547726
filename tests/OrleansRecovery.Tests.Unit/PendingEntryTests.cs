using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;
using static OrleansRecovery.Tests.Unit.Support.Harness;

namespace OrleansRecovery.Tests.Unit;

public sealed class PendingEntryTests
{
    private static readonly RecoveryLimits Limits = new();

    [Fact]
    public void EstimateBytes_WithTheMeasuredPayload_EqualsCountingItAgain()
    {
        var message = Normal("m1", "apply", "payload with non-ASCII: é, 漢字, 🙂") with { TransactionId = TransactionId };

        Assert.Null(MessageValidator.Validate(message, TransactionId, Limits, out var payloadBytes));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(message.Payload), payloadBytes);
        Assert.Equal(PendingEntry.EstimateBytes(message), PendingEntry.EstimateBytes(message, payloadBytes));
    }

    [Fact]
    public void Validate_RejectedBeforeThePayloadIsMeasured_ReportsZeroBytes()
    {
        var message = Normal("", "apply", "payload");

        Assert.NotNull(MessageValidator.Validate(message, TransactionId, Limits, out var payloadBytes));
        Assert.Equal(0, payloadBytes);
    }

    [Fact]
    public void AParkedEntry_CarriesTheSizeItWasAdmittedWith()
    {
        var harness = new Support.Harness();
        harness.Begin();
        var message = Normal("p1", "apply", "0123456789");

        harness.Submit(message);

        var entry = Assert.Single(harness.State.Pending.Segments.SelectMany(s => s.Entries));
        Assert.Equal(PendingEntry.EstimateBytes(message), entry.EstimatedBytes);
        Assert.Equal(entry.EstimatedBytes, harness.State.Pending.Bytes);
    }

    [Fact]
    public void AnEntryReadFromStorage_CountsItsSize_AndEqualsTheEntryWritten()
    {
        var (log, index) = PendingLog.Empty.Append(Normal("m1", "apply", "some payload"), Now, Limits);
        var written = Assert.Single(log.Segments.Single(s => s.Index == index).Entries);
        var serializer = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(TransactionMessage).Assembly).AddAssembly(typeof(PendingSegmentRecord).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>();

        var record = serializer.Deserialize<PendingSegmentRecord>(
            serializer.SerializeToArray(new PendingSegmentRecord { Index = index, Entries = [written] }));

        var read = Assert.Single(Assert.IsType<PendingSegmentRecord>(record).Entries);
        Assert.Equal(written, read);
        Assert.Equal(written.GetHashCode(), read.GetHashCode());
        Assert.Equal(written.EstimatedBytes, read.EstimatedBytes);
    }

    [Fact]
    public void ACopyWithAnotherMessage_HasThatMessagesSize()
    {
        var entry = new PendingEntry(0, Normal("m1", "apply", "short"), Now);
        var small = entry.EstimatedBytes;

        var copy = entry with { Message = Normal("m1", "apply", new string('x', 500)) };

        Assert.Equal(PendingEntry.EstimateBytes(copy.Message), copy.EstimatedBytes);
        Assert.True(copy.EstimatedBytes > small);
        Assert.NotEqual(entry, copy);
    }
}
