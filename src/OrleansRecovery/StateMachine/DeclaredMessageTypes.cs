using System.Collections.Frozen;
using OrleansRecovery.Logic;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// The message types the logic declares (<see cref="ITransactionLogic.MessageTypes"/>), per kind: a message of an undeclared
/// type can never succeed, so it is rejected on arrival with the valid types named, instead of parking to fail at replay.
/// A logic that declares none accepts every type here and decides itself.
/// </summary>
internal sealed class DeclaredMessageTypes
{
    private readonly FrozenSet<string> _normal;
    private readonly FrozenSet<string> _recovery;

    public DeclaredMessageTypes(IReadOnlyList<MessageTypeInfo>? declared)
    {
        declared ??= [];
        _normal = declared.Where(t => t.Kind == MessageKind.Normal).Select(t => t.Type).ToFrozenSet(StringComparer.Ordinal);
        _recovery = declared.Where(t => t.Kind == MessageKind.Recovery).Select(t => t.Type).ToFrozenSet(StringComparer.Ordinal);
        IsDeclared = declared.Count > 0;
    }

    /// <summary>Whether the logic declared any type (otherwise <see cref="Problem"/> is always null).</summary>
    public bool IsDeclared { get; }

    /// <summary>Null when the message's type is declared for its kind; otherwise the rejection's reason.</summary>
    public string? Problem(TransactionMessage message)
    {
        if (!IsDeclared)
        {
            return null;
        }

        var (valid, other, kind, otherKind) = message.Kind == MessageKind.Recovery
            ? (_recovery, _normal, "recovery", "normal")
            : (_normal, _recovery, "normal", "recovery");
        if (valid.Contains(message.Type))
        {
            return null;
        }

        var type = MessageValidator.Truncate(message.Type);
        var hint = other.Contains(message.Type) ? $" ('{type}' is a {otherKind} message type: check the message's kind)" : "";
        return $"Type '{type}' is not a {kind} message type of this logic{hint}; valid {kind} types: {string.Join(", ", valid.Order(StringComparer.Ordinal))}.";
    }
}
