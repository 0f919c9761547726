using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>
/// One silo process (<c>dotnet OrleansRecovery.Silo.dll --environment Cluster</c>) on fixed ports, killed with SIGKILL and restarted on
/// the same ports: a restarted silo marks its older generation dead in the membership table when it joins, so the cluster does
/// not wait for probe-based death detection.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly string _siloDll;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _logDirectory;
    private Process? _process;
    private StreamWriter? _log;
    private int _generation;

    public SiloProcess(int index, string siloDll, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string> environment,
        string logDirectory, int? metricsPort = null)
    {
        Index = index;
        MetricsPort = metricsPort;
        _siloDll = siloDll;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _environment = environment;
        _logDirectory = logDirectory;
    }

    public int Index { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The silo's Prometheus endpoint (<c>http://127.0.0.1:{MetricsPort}/metrics</c>), if it has one.</summary>
    public int? MetricsPort { get; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public string LogPath(int generation) => Path.Combine(_logDirectory, string.Create(CultureInfo.InvariantCulture, $"silo{Index}.{generation}.log"));

    public string CurrentLogPath => LogPath(_generation);

    /// <summary>Starts the process and waits until its gateway port accepts connections.</summary>
    public Task StartAsync(TimeSpan timeout) => StartAsync(timeout, waitForGateway: true);

    /// <summary>
    /// Starts the process and waits until its gateway port accepts connections or, with <paramref name="waitForGateway"/> false, its
    /// silo port (open while the silo is still joining: Orleans opens the gateway only once the silo is active).
    /// </summary>
    public async Task StartAsync(TimeSpan timeout, bool waitForGateway)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"Silo {Index} is already running.");
        }

        _generation++;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(_siloDll)!,
        };
        start.ArgumentList.Add(_siloDll);
        start.ArgumentList.Add("--environment");
        start.ArgumentList.Add("Cluster");
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["Orleans__Endpoints__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__Endpoints__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture);
        if (MetricsPort is { } metrics)
        {
            start.Environment["Observability__Metrics__Prometheus__Enabled"] = "true";
            start.Environment["Observability__Metrics__Prometheus__Port"] = metrics.ToString(CultureInfo.InvariantCulture);
        }

        var log = new StreamWriter(LogPath(_generation), append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _log = log;

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Silo {Index} exited with code {process.ExitCode} while starting; log {LogPath(_generation)}:{Environment.NewLine}{Tail(20)}");
            }

            var port = waitForGateway ? GatewayPort : SiloPort;
            if (await PortOpenAsync(port))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Silo {Index} did not open {(waitForGateway ? "gateway" : "silo")} port {port} within {timeout}; log {LogPath(_generation)}:{Environment.NewLine}{Tail(20)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL (the whole process tree), then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // Did not exit in time; nothing more to do.
        }

        process.Dispose();
        _process = null;
        var log = _log;
        _log = null;
        if (log is not null)
        {
            lock (log)
            {
                log.Dispose();
            }
        }
    }

    /// <summary>The last lines of the current log.</summary>
    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(CurrentLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    public static async Task<bool> PortOpenAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process was killed; late output is dropped.
            }
        }
    }
}
