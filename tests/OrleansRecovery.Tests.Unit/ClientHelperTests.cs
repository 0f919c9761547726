using OrleansRecovery.Ledger;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// The client helpers report bad arguments on the task they return, never by throwing from the call itself, so a caller that
/// starts many calls and awaits them together sees every failure in one place.
/// </summary>
public sealed class ClientHelperTests
{
    private static readonly IGrainFactory NoCluster = null!; // never reached: validation fails first

    [Fact]
    public async Task BadArguments_FaultTheReturnedTask_InsteadOfThrowingFromTheCall()
    {
        var malformed = new TransactionMessage(string.Empty, MessageKind.Normal, "credit", "{}");
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("SubmitAsync", () => NoCluster.SubmitAsync("tx-1", malformed)),
            ("SubmitBatchAsync", () => NoCluster.SubmitBatchAsync("tx-1", [LedgerMessages.Credit("m1", 1), malformed])),
            ("BeginRecoveryAsync", () => NoCluster.BeginRecoveryAsync("bad\nid", "reason")),
            ("GetStatusAsync", () => NoCluster.GetStatusAsync(string.Empty)),
            ("OpenRecoveryScopeAsync", () => NoCluster.OpenRecoveryScopeAsync("bank", " ")),
        };

        foreach (var (name, call) in calls)
        {
            var task = call(); // must not throw here
            Assert.True(task.IsFaulted, $"{name} did not return a faulted task.");
            await Assert.ThrowsAnyAsync<ArgumentException>(() => task);
        }
    }
}
