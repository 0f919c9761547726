using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansRecovery.Silo;

/// <summary>
/// Checks, before the silo starts, that every port it will listen on is free on the address it will listen on. Orleans and
/// Kestrel report a taken port as a socket error deep in a stack trace that names neither the setting nor the port's purpose;
/// this names both, and the fix.
/// </summary>
public static class ListenPorts
{
    /// <summary>
    /// The first port the silo of <paramref name="services"/> would fail to listen on, as one line naming its setting, or null when
    /// every one is free. Orleans' own <see cref="EndpointOptions"/> say where the silo and gateway listen; the web host and the
    /// metrics endpoint listen where <see cref="SiloWebOptions"/> and <see cref="SiloObservabilityOptions"/> say.
    /// </summary>
    public static string? FindTaken(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var web = services.GetRequiredService<IOptions<SiloWebOptions>>().Value;
        var metrics = services.GetRequiredService<IOptions<SiloObservabilityOptions>>().Value;
        var orleans = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var advertised = orleans.AdvertisedIPAddress ?? IPAddress.Any;
        var checks = new List<(string Setting, IPEndPoint Endpoint)>
        {
            ("Orleans:Endpoints:SiloPort", orleans.SiloListeningEndpoint ?? new IPEndPoint(advertised, orleans.SiloPort)),
            ("Orleans:Endpoints:GatewayPort", orleans.GatewayListeningEndpoint ?? new IPEndPoint(advertised, orleans.GatewayPort)),
        };
        if (web.Enabled)
        {
            checks.Add(($"{SiloWebOptions.SectionName}:Port", new IPEndPoint(Address(web.Host), web.Port)));
        }

        if (metrics.Enabled)
        {
            checks.Add(($"{SiloObservabilityOptions.SectionName}:Port", new IPEndPoint(Address(metrics.Host), metrics.Port)));
        }

        foreach (var (setting, endpoint) in checks)
        {
            if (endpoint.Port != 0 && Problem(endpoint) is { } problem)
            {
                var port = endpoint.Port.ToString(CultureInfo.InvariantCulture);
                return $"Port taken: {setting} is {port}, and {endpoint} {problem} (another silo? `ss -ltnp 'sport = :{port}'` shows " +
                    $"which process). Stop it, or choose another port: --{setting}=PORT or the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}.";
            }
        }

        return null;
    }

    /// <summary>Why nothing can listen on <paramref name="endpoint"/>, or null when something can.</summary>
    private static string? Problem(IPEndPoint endpoint)
    {
        // No ReuseAddress: on Unix .NET maps it to SO_REUSEPORT too, which lets a second listener share a port that Orleans' own
        // listener (which sets it) holds, so two silos would split one gateway port. .NET sets SO_REUSEADDR on TCP sockets by
        // default, so a port whose last connections linger in TIME_WAIT (a silo restarted on it) still counts as free.
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(1);
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return "is already in use";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            return "may not be listened on by this user (ports below 1024 need privileges)";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return "is not an address of this machine";
        }
    }

    private static IPAddress Address(string host) =>
        host is "*" or "+" or "0.0.0.0" ? IPAddress.Any
        : IPAddress.TryParse(host, out var address) ? address
        : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
}
