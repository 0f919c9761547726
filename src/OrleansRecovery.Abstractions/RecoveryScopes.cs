namespace OrleansRecovery;

/// <summary>The rule for recovery scope names, shared by clients, operators' tools and silos.</summary>
public static class RecoveryScopes
{
    /// <summary>Longest scope name, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Returns null when <paramref name="scope"/> is a usable scope name, otherwise what is wrong with it. Names are storage keys,
    /// so they follow the transaction id rule (<see cref="TransactionIds.Problem"/>) with a shorter limit.
    /// </summary>
    public static string? Problem(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            return "Recovery scope name is empty.";
        }

        if (scope.Length > MaxLength)
        {
            return $"Recovery scope name is {scope.Length} characters; the limit is {MaxLength}.";
        }

        return TransactionIds.Problem(scope)?.Replace("Transaction id", "Recovery scope name", StringComparison.Ordinal);
    }
}
