using OrleansRecovery.Client;
using OrleansRecovery.StateMachine;
using OrleansRecovery.Tests.Unit.Support;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// A transaction id is a storage key: ids that Azure Table storage would rewrite or refuse are refused everywhere, and nothing is
/// ever written under them.
/// </summary>
public sealed class TransactionIdTests
{
    [Theory]
    [InlineData("acct/1", "'/'")]
    [InlineData("acct\\1", "'\\'")]
    [InlineData("acct#1", "'#'")]
    [InlineData("acct?1", "'?'")]
    [InlineData("acct\u00071", "U+0007")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void Problem_OfAnUnusableId_NamesWhatIsWrong(string id, string named)
    {
        Assert.Contains(named, TransactionIds.Problem(id), StringComparison.Ordinal);
        var error = Assert.ThrowsAny<ArgumentException>(() => TransactionClientValidation.ValidateTransactionId(id));
        Assert.Equal("transactionId", error.ParamName);
    }

    [Theory]
    [InlineData("acct-1")]
    [InlineData("order:2026-11")]
    [InlineData("konto-ü-😀")]
    public void Problem_OfAUsableId_IsNull(string id) => Assert.Null(TransactionIds.Problem(id));

    [Fact]
    public void Problem_OfAnIdWithAnUnpairedSurrogate_NamesIt() =>
        Assert.Contains("U+D800", TransactionIds.Problem("acct" + '\ud800' + "1"), StringComparison.Ordinal);

    [Fact]
    public void Problem_OfAnIdOverTheLimit_NamesTheLimit() =>
        Assert.Contains("256", TransactionIds.Problem(new string('a', 257)), StringComparison.Ordinal);

    [Fact]
    public void Submit_ToAnUnusableTransactionId_IsRejected_AndNothingIsWritten()
    {
        var machine = new RecoveryStateMachine(new CountingLogic(), new RecoveryLimits());
        var state = machine.NewState("acct/1");

        var t = machine.Submit(state, "acct/1", [Harness.Normal("m1")], Harness.Now, () => "r");

        var result = Assert.Single(t.Results);
        Assert.Equal(RejectionCode.InvalidTransactionId, result.Code);
        Assert.True(t.Writes.IsEmpty);
        Assert.Throws<ArgumentException>(() => machine.BeginRecovery(state, "acct/1", "outage", Harness.Now, "r"));
    }

    [Fact]
    public void ClientValidation_RefusesUnpairedSurrogates_ThatTheWireWouldTurnIntoU_FFFD()
    {
        // Built in code and looped here: xunit carries theory arguments as UTF-8, which would already have replaced them.
        (string Id, string Type, string Payload, string Where)[] cases =
        [
            ("m" + '\ud800', "x", "{}", "id"),
            ("m1", "credit" + '\udc00', "{}", "type"),
            ("m1", "credit", "{\"a\":\"" + '\ud83d' + "\"}", "payload"),
        ];
        foreach (var (id, type, payload, where) in cases)
        {
            AssertRefused(id, type, payload, where);
        }

        TransactionClientValidation.ValidateMessage(TransactionMessage.Normal("m1", "credit", "{\"emoji\":\"😀\"}"));
    }

    private static void AssertRefused(string id, string type, string payload, string where)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TransactionClientValidation.ValidateMessage(TransactionMessage.Normal(id, type, payload)));
        Assert.Contains($"in its {where}", error.Message, StringComparison.Ordinal);
    }
}
