using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansRecovery.Silo;

/// <summary>
/// The silo's web host (<c>Web</c>): when enabled, the silo runs on an ASP.NET Core host serving the Orleans Dashboard at
/// <see cref="DashboardPath"/> and the admin page at <see cref="AdminPath"/>, on <see cref="Url"/>. Loopback unless <see cref="Host"/>
/// says otherwise: neither page has authentication. The operators' web host reads the same section.
/// </summary>
public sealed class SiloWebOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Web";

    /// <summary>Run the web host. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address or host name to listen on; <c>*</c> listens on every interface (containers). Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port. Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Where the Orleans Dashboard is served. Default <c>/dashboard</c>.</summary>
    public string DashboardPath { get; set; } = "/dashboard";

    /// <summary>Where the admin page is served (<c>/</c> redirects to it). Default <c>/admin</c>.</summary>
    public string AdminPath { get; set; } = "/admin";

    /// <summary>How often the open admin page asks again. Default 2 s (0.25 s to 1 minute).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Samples of the admin page's cluster chart kept in memory, one per refresh (default 300; 10..100,000).</summary>
    public int HistoryCapacity { get; set; } = 300;

    /// <summary>Campaigns and scopes the admin page's operations panel shows (default 20; 1..200).</summary>
    public int OperationsShown { get; set; } = 20;

    /// <summary>Binds the <c>Web</c> section with its validator, checked when the host starts.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddOptions<SiloWebOptions>().BindConfiguration(SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloWebOptions>, SiloWebOptionsValidator>();
    }

    /// <summary>The address Kestrel binds, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture,
        $"http://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}");
}

/// <summary>Checks <see cref="SiloWebOptions"/> at start; every failure names its key.</summary>
internal sealed class SiloWebOptionsValidator : IValidateOptions<SiloWebOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloWebOptions options)
    {
        const string S = SiloWebOptions.SectionName;
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{S}:Port is {options.Port}; it must be a port number between 1 and 65535.");
        }

        if (options.Host != "*" && Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"{S}:Host is '{options.Host}'; it must be an IP address or host name (default 127.0.0.1), or * to listen on every interface.");
        }

        foreach (var (key, path) in new[] { ("DashboardPath", options.DashboardPath), ("AdminPath", options.AdminPath) })
        {
            if (path is null || !path.StartsWith('/') || path.TrimEnd('/').Length < 2
                || path.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.')))
            {
                failures.Add($"{S}:{key} is '{path}'; it must be a path such as /{key[..^4].ToLowerInvariant()} (letters, digits, '/', '-', '_', '.').");
            }
        }

        if (string.Equals(options.DashboardPath?.TrimEnd('/'), options.AdminPath?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{S}:DashboardPath and {S}:AdminPath are both '{options.AdminPath}'; they must differ.");
        }

        if (options.HistoryCapacity is < 10 or > 100_000)
        {
            failures.Add($"{S}:HistoryCapacity is {options.HistoryCapacity}; it must be between 10 and 100000.");
        }

        if (options.OperationsShown is < 1 or > 200)
        {
            failures.Add($"{S}:OperationsShown is {options.OperationsShown}; it must be between 1 and 200.");
        }

        if (options.RefreshInterval < TimeSpan.FromMilliseconds(250) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{S}:RefreshInterval is '{options.RefreshInterval}'; it must be a time between 00:00:00.250 and 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
