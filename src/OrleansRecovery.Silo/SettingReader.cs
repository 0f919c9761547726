using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Silo;

/// <summary>
/// Reads one configuration section's simple values, adding a failure that names the full key (<c>Section:Key</c>) and what is
/// allowed for each bad one, and returning the default so every other problem is still found in the same pass.
/// </summary>
internal sealed class SettingReader(IConfiguration configuration, string section, List<string> failures)
{
    private readonly IConfigurationSection _section = configuration.GetSection(section);

    /// <summary>The raw value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => _section[key];

    /// <summary>Adds a failure about <paramref name="key"/>.</summary>
    public void Fail(string key, string problem) => failures.Add($"{section}:{key} {problem}");

    /// <summary><c>true</c> or <c>false</c>; <paramref name="fallback"/> when unset.</summary>
    public bool Boolean(string key, bool fallback)
    {
        var raw = _section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        Fail(key, $"is '{raw}'; it must be true or false.");
        return fallback;
    }

    /// <summary>A TCP port, 1–65535; <paramref name="fallback"/> when unset.</summary>
    public int Port(string key, int fallback)
    {
        var raw = _section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        Fail(key, $"is '{raw}'; it must be a port number between 1 and 65535.");
        return fallback;
    }

    /// <summary>A TCP port, 1–65535, that must be set; 0 (after adding the failure) when it is missing or bad.</summary>
    public int RequiredPort(string key)
    {
        var raw = _section[key];
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        Fail(key, $"is '{raw ?? "(missing)"}'; it must be a port number between 1 and 65535.");
        return 0;
    }

    /// <summary>An IP address or host name to listen on, or one of <paramref name="wildcards"/> (every interface).</summary>
    public string ListenHost(string key, string fallback, params string[] wildcards)
    {
        var raw = _section[key];
        var host = string.IsNullOrWhiteSpace(raw) ? fallback : raw.Trim();
        if (wildcards.Contains(host) || Uri.CheckHostName(host) != UriHostNameType.Unknown)
        {
            return host;
        }

        Fail(key, $"is '{raw}'; it must be an IP address or host name (default {fallback}), or {string.Join(" or ", wildcards)} to listen on every interface.");
        return fallback;
    }
}
