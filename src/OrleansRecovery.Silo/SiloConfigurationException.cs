namespace OrleansRecovery.Silo;

/// <summary>The silo's configuration is invalid; <see cref="Exception.Message"/> names every setting at fault.</summary>
public sealed class SiloConfigurationException : Exception
{
    /// <summary>Creates the exception with one problem per entry of <paramref name="failures"/>.</summary>
    public SiloConfigurationException(IReadOnlyList<string> failures)
        : base(Describe(failures)) => Failures = failures ?? [];

    /// <summary>Creates the exception with a message.</summary>
    public SiloConfigurationException(string message)
        : base(message) => Failures = [message];

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SiloConfigurationException(string message, Exception innerException)
        : base(message, innerException) => Failures = [message];

    /// <summary>Creates the exception with a generic message.</summary>
    public SiloConfigurationException()
        : this("The silo configuration is invalid.")
    {
    }

    /// <summary>One entry per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Failures { get; }

    private static string Describe(IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return "Invalid silo configuration:" + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f));
    }
}
