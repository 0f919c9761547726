namespace OrleansRecovery.Client;

/// <summary>
/// A <c>silo-config</c> directory or profile cannot be used (see <see cref="SiloConfigDirectory"/>); the message says what is
/// missing and how to name another one.
/// </summary>
public sealed class SiloConfigException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SiloConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SiloConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SiloConfigException()
        : base("The silo-config directory or profile cannot be used.")
    {
    }
}
