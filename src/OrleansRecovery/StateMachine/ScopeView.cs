namespace OrleansRecovery.StateMachine;

/// <summary>
/// The recovery scopes' states as the deciding silo confirmed them, handed to the state machine with each decision. A scope the view
/// does not hold is <see cref="ScopeStatus.Unknown"/>: the state machine parks rather than applies (P11).
/// </summary>
internal sealed class ScopeView
{
    private readonly IReadOnlyDictionary<string, ScopeStatus> _scopes;

    /// <summary>Creates a view of the given scopes.</summary>
    public ScopeView(IReadOnlyDictionary<string, ScopeStatus> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = scopes;
    }

    /// <summary>A view that knows no scope (for transactions that belong to none, nothing is looked up).</summary>
    public static ScopeView Empty { get; } = new(new Dictionary<string, ScopeStatus>(StringComparer.Ordinal));

    /// <summary>The status of <paramref name="scope"/>; <see cref="ScopeStatus.Unknown"/> when not in the view.</summary>
    public ScopeStatus this[string scope] => _scopes.TryGetValue(scope, out var status) ? status : ScopeStatus.Unknown;
}
