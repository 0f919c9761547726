namespace OrleansRecovery.Cli.Errors;

/// <summary>No gateway answered within the connect timeout (exit code 3).</summary>
internal sealed class ClusterUnreachableException : Exception
{
    public ClusterUnreachableException(string message)
        : base(message)
    {
    }

    public ClusterUnreachableException()
        : this("Cannot reach the cluster.")
    {
    }

    public ClusterUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
