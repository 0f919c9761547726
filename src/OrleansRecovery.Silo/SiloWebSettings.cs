using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Silo;

/// <summary>
/// The silo's web host (<c>Web:*</c>), read and checked by <see cref="SiloHostBuilder.Validate"/>: when enabled, the silo runs on
/// an ASP.NET Core host that serves the Orleans Dashboard at <see cref="DashboardPath"/> and the OrleansRecovery admin page at
/// <see cref="AdminPath"/>, on <see cref="Url"/>. Loopback unless <c>Host</c> says otherwise: neither page has authentication.
/// </summary>
public sealed class SiloWebSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Web";

    /// <summary>The default port.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The default listen address: loopback only.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary><c>Web:Enabled</c>: run the web host (default false).</summary>
    public bool Enabled { get; init; }

    /// <summary><c>Web:Host</c>: the address or host name to listen on; <c>*</c> listens on every interface (containers).</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary><c>Web:Port</c>: default 8080.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary><c>Web:DashboardPath</c>: where the Orleans Dashboard is served (default <c>/dashboard</c>).</summary>
    public string DashboardPath { get; init; } = "/dashboard";

    /// <summary><c>Web:AdminPath</c>: where the admin page is served (default <c>/admin</c>).</summary>
    public string AdminPath { get; init; } = "/admin";

    /// <summary><c>Web:RefreshInterval</c>: how often the open admin page asks again (default 2 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The address Kestrel binds, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture,
        $"http://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}");

    /// <summary>Reads and checks <c>Web:*</c>, adding one failure per bad setting.</summary>
    /// <param name="configuration">The whole configuration.</param>
    /// <param name="failures">Where problems are added; each names its setting.</param>
    public static SiloWebSettings Load(IConfiguration configuration, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var web = new SettingReader(configuration, Section, failures);
        var enabled = web.Boolean("Enabled", fallback: false);
        var port = web.Port("Port", DefaultPort);
        var host = web.ListenHost("Host", DefaultHost, "*");

        var dashboard = RoutePath(web, "DashboardPath", "/dashboard");
        var admin = RoutePath(web, "AdminPath", "/admin");
        if (string.Equals(dashboard, admin, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Section}:DashboardPath and {Section}:AdminPath are both '{admin}'; they must differ.");
        }

        var refreshRaw = web["RefreshInterval"];
        var refresh = TimeSpan.FromSeconds(2);
        if (!string.IsNullOrWhiteSpace(refreshRaw)
            && (!TimeSpan.TryParse(refreshRaw, CultureInfo.InvariantCulture, out refresh)
                || refresh < TimeSpan.FromMilliseconds(250) || refresh > TimeSpan.FromMinutes(1)))
        {
            web.Fail("RefreshInterval", $"is '{refreshRaw}'; it must be a time between 00:00:00.250 and 00:01:00.");
            refresh = TimeSpan.FromSeconds(2);
        }

        return new SiloWebSettings
        {
            Enabled = enabled,
            Host = host,
            Port = port,
            DashboardPath = dashboard,
            AdminPath = admin,
            RefreshInterval = refresh,
        };
    }

    private static string RoutePath(SettingReader web, string key, string fallback)
    {
        var raw = web[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        var path = raw.Trim().TrimEnd('/');
        if (!path.StartsWith('/') || path.Length < 2 || path.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.')))
        {
            web.Fail(key, $"is '{raw}'; it must be a path such as {fallback} (letters, digits, '/', '-', '_', '.').");
            return fallback;
        }

        return path;
    }
}
