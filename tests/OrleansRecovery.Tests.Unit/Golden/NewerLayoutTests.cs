using OrleansRecovery.StateMachine;
using OrleansRecovery.Storage;

namespace OrleansRecovery.Tests.Unit.Golden;

/// <summary>
/// A header written by a newer release (a higher <see cref="TransactionHeaderRecord.SchemaVersion"/>) is refused instead of
/// read: a field that release added would read as its default here, which could empty the dedup window or the pending log.
/// </summary>
public sealed class NewerLayoutTests
{
    [Fact]
    public void HeaderFromANewerLayout_IsRefused_NamingBothLayouts()
    {
        var header = new TransactionHeaderRecord { SchemaVersion = TransactionHeaderRecord.CurrentSchemaVersion + 1 };

        var error = Assert.Throws<InvalidOperationException>(() => TransactionRecords.ToState(header, [], new RecoveryLimits(), () => null));

        Assert.Contains($"storage layout {TransactionHeaderRecord.CurrentSchemaVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {TransactionHeaderRecord.CurrentSchemaVersion}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(TransactionHeaderRecord.CurrentSchemaVersion)]
    public void HeaderFromThisOrAnOlderLayout_IsRead(int layout)
    {
        var header = new TransactionHeaderRecord { SchemaVersion = layout, Mode = TransactionMode.Recovering };

        var state = TransactionRecords.ToState(header, [], new RecoveryLimits(), () => null);

        Assert.Equal(TransactionMode.Recovering, state.Mode);
    }
}
