using System.IO.Hashing;
using System.Text;

namespace OrleansRecovery.StateMachine;

/// <summary>
/// The compact form in which message ids are remembered: a 64-bit XxHash3 of the id's UTF-8 bytes. With the default limits
/// (1,000 remembered + up to 100,000 pending ids) the chance that two different ids of one transaction collide is below 1e-9.
/// </summary>
internal static class MessageIdHash
{
    private const int StackLimit = 512;

    /// <summary>Hashes a message id.</summary>
    public static ulong Of(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);

        // Every message is hashed on arrival; ids within the default limit (128 characters, at most 387 UTF-8 bytes) are
        // encoded on the stack rather than into a new array.
        if (Encoding.UTF8.GetMaxByteCount(messageId.Length) <= StackLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLimit];
            var length = Encoding.UTF8.GetBytes(messageId, buffer);
            return XxHash3.HashToUInt64(buffer[..length]);
        }

        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(messageId));
    }
}
