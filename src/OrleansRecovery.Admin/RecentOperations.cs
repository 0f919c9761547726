namespace OrleansRecovery.Admin;

/// <summary>A campaign or a scope the operations panel shows.</summary>
/// <param name="Kind"><c>campaign</c> or <c>scope</c>.</param>
/// <param name="Name">The campaign id or scope name.</param>
internal readonly record struct OperationKey(string Kind, string Name)
{
    /// <summary>The kind of an explicit campaign.</summary>
    public const string Campaign = "campaign";

    /// <summary>The kind of a recovery scope.</summary>
    public const string Scope = "scope";
}

/// <summary>
/// The campaigns and scopes this host has seen in progress (in the registry) or acted on from its page, most recent first, at
/// most a fixed number: so a campaign stays on the panel as Done once its last member left the registry, and a scope opened
/// from the page shows before any of its transactions has entered. In memory only and bounded: it never grows with the number
/// of operator actions, and a restarted host rebuilds it from the registry.
/// </summary>
internal sealed class RecentOperations(int capacity)
{
    private readonly LinkedList<OperationKey> _keys = new();
    private readonly Lock _gate = new();

    /// <summary>Puts <paramref name="key"/> first, dropping the least recent beyond the capacity.</summary>
    public void Note(OperationKey key)
    {
        lock (_gate)
        {
            _keys.Remove(key);
            _keys.AddFirst(key);
            while (_keys.Count > capacity)
            {
                _keys.RemoveLast();
            }
        }
    }

    /// <summary>The keys, most recent first.</summary>
    public IReadOnlyList<OperationKey> Snapshot()
    {
        lock (_gate)
        {
            return [.. _keys];
        }
    }
}
