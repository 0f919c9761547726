using OrleansRecovery.Admin;

namespace OrleansRecovery.Tests.Unit.Admin;

/// <summary>The chart's and the progress panel's bounds are checked when the page is mapped, naming the option.</summary>
public sealed class TransactionAdminOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var options = new TransactionAdminOptions();
        options.Validate();
        Assert.Equal((300, 20), (options.HistoryCapacity, options.OperationsShown));
    }

    [Theory]
    [InlineData(9, 20, "HistoryCapacity")]
    [InlineData(100_001, 20, "HistoryCapacity")]
    [InlineData(300, 0, "OperationsShown")]
    [InlineData(300, 201, "OperationsShown")]
    public void OutOfRange_IsRefused_NamingTheOption(int history, int shown, string option)
    {
        var options = new TransactionAdminOptions { HistoryCapacity = history, OperationsShown = shown };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, error.ParamName);
    }
}
