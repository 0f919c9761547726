namespace OrleansRecovery.Testing;

/// <summary>How <see cref="AzuriteInstance"/> starts Azurite.</summary>
public sealed class AzuriteOptions
{
    /// <summary>
    /// The azurite executable. Default: the <c>AZURITE_PATH</c> environment variable, else <c>node_modules/.bin/azurite</c> found by
    /// walking up from the test's output directory and from the current directory.
    /// </summary>
    public string? ExecutablePath { get; set; }

    /// <summary>
    /// A directory for on-disk data (<c>--location</c>). Default null: in-memory persistence, nothing left behind. Azurite's
    /// on-disk mode flushes about every 5 s, so kill silos in fault tests, not Azurite.
    /// </summary>
    public string? Location { get; set; }

    /// <summary>
    /// Passes <c>--skipApiVersionCheck</c>. Default true: Azure SDK clients newer than Azurite 3.37.0 (e.g. Azure.Storage.Queues
    /// 12.28+) send an x-ms-version it does not know, and Azurite refuses their requests with HTTP 400 (InvalidHeaderValue)
    /// unless told to skip the check; an application's test project may well resolve such a version.
    /// </summary>
    public bool SkipApiVersionCheck { get; set; } = true;

    /// <summary>How long to wait for the three ports to accept connections. Default 30 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
