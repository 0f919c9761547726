using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansRecovery.Client;

/// <summary>
/// Reads typed values from a profile's layered configuration, collecting every problem (each naming its key) instead of
/// stopping at the first, so one run shows the operator all that is wrong.
/// </summary>
public static class ProfileValues
{
    /// <summary>
    /// The integer at <paramref name="key"/> when it lies in [<paramref name="min"/>, <paramref name="max"/>]; null when the key
    /// is absent or blank, or when it is not such an integer (then a message naming the key and the bad value is added to
    /// <paramref name="failures"/>).
    /// </summary>
    /// <param name="configuration">The profile's configuration.</param>
    /// <param name="key">The setting, e.g. <c>Orleans:GatewayPort</c>.</param>
    /// <param name="min">Smallest valid value.</param>
    /// <param name="max">Largest valid value.</param>
    /// <param name="failures">Where a problem is added.</param>
    /// <param name="allowed">How the message describes a valid value; default "an integer between min and max".</param>
    public static int? WholeNumber(IConfiguration configuration, string key, int min, int max, ICollection<string> failures,
        string? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        allowed ??= string.Create(CultureInfo.InvariantCulture, $"an integer between {min} and {max}");
        failures.Add($"{key} is '{raw}'; it must be {allowed}.");
        return null;
    }
}
