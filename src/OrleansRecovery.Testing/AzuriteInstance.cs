using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRecovery.Testing;

/// <summary>
/// An Azurite process (Azure Blob, Queue and Table emulation) on three free loopback ports, started for one test fixture and
/// killed, with its process tree, on dispose. Data lives in memory unless <see cref="AzuriteOptions.Location"/> is set.
/// </summary>
public sealed class AzuriteInstance : IAsyncDisposable
{
    /// <summary>The well-known development account of Azurite.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The published key of <see cref="AccountName"/> (not a secret: every Azurite accepts it).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxStartAttempts = 3;
    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteInstance(Process process, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};");
    }

    /// <summary>The Blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; }

    /// <summary>The Queue service port on 127.0.0.1.</summary>
    public int QueuePort { get; }

    /// <summary>The Table service port on 127.0.0.1.</summary>
    public int TablePort { get; }

    /// <summary>A connection string with explicit endpoints for the three services of this instance.</summary>
    public string ConnectionString { get; }

    /// <summary>The id of the Azurite process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts Azurite on three free loopback ports and returns once all three accept connections.
    /// </summary>
    /// <exception cref="FileNotFoundException">The azurite executable was not found (run <c>npm ci</c> at the repository root).</exception>
    /// <exception cref="TimeoutException">Azurite did not accept connections within <see cref="AzuriteOptions.StartTimeout"/>.</exception>
    public static async Task<AzuriteInstance> StartAsync(AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        var executable = options.ExecutablePath ?? FindExecutable();
        if (options.Location is { } location)
        {
            Directory.CreateDirectory(location);
        }

        Exception? last = null;
        for (var attempt = 1; attempt <= MaxStartAttempts; attempt++)
        {
            // Another process may take a port between our probe and Azurite's bind: then Azurite exits and we try new ports.
            var ports = LoopbackPorts.Free(3);
            var output = new StringBuilder();
            var process = Launch(executable, options, ports, output);
            try
            {
                await WaitForPortsAsync(process, ports, options.StartTimeout, output, cancellationToken).ConfigureAwait(false);
                return new AzuriteInstance(process, output, ports[0], ports[1], ports[2]);
            }
            catch (AzuriteExitedException ex)
            {
                last = ex;
                process.Dispose();
            }
            catch
            {
                await KillAsync(process).ConfigureAwait(false);
                process.Dispose();
                throw;
            }
        }

        throw new InvalidOperationException($"Azurite failed to start after {MaxStartAttempts} attempts.", last);
    }

    /// <summary>
    /// Finds the azurite executable: the <c>AZURITE_PATH</c> environment variable, else <c>node_modules/.bin/azurite</c> in
    /// <see cref="AppContext.BaseDirectory"/>, the current directory, or any of their parents, else <c>azurite</c> on <c>PATH</c>
    /// (<c>npm install -g azurite</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">Not found; the message says how to install it.</exception>
    public static string FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("AZURITE_PATH");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"AZURITE_PATH is set to '{fromEnvironment}', but no file is there.", fromEnvironment);
        }

        var name = OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";
        var searched = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                searched.Add(dir.FullName);
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            "Azurite was not found. Install it (Node.js 20): `npm install -g azurite@3.37.0` (then it is on PATH), or " +
            "`npm install --save-dev azurite@3.37.0` in your repository (node_modules/.bin), or set AZURITE_PATH to the azurite " +
            "executable. Searched PATH and node_modules/.bin under: " + string.Join(", ", searched.Distinct(StringComparer.Ordinal)), name);
    }

    /// <summary>Kills Azurite and its child processes, and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync(_process).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>What Azurite wrote to its standard output and error so far (for diagnosing failures).</summary>
    public string GetOutput()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static Process Launch(string executable, AzuriteOptions options, int[] ports, StringBuilder output)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in new[]
        {
            "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", ports[0].ToString(CultureInfo.InvariantCulture),
            "--queuePort", ports[1].ToString(CultureInfo.InvariantCulture),
            "--tablePort", ports[2].ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (options.SkipApiVersionCheck)
        {
            start.ArgumentList.Add("--skipApiVersionCheck");
        }

        if (options.Location is { } location)
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }
        else
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start '{executable}': {ex.Message}. Is Node.js installed and on PATH? Run `npm ci` at the repository root.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // Keep the tail only: enough to explain a failure, never unbounded.
            if (output.Length > 16_384)
            {
                output.Remove(0, output.Length - 8_192);
            }

            output.AppendLine(line);
        }
    }

    private static async Task WaitForPortsAsync(Process process, int[] ports, TimeSpan timeout, StringBuilder output,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    string text;
                    lock (output)
                    {
                        text = output.ToString();
                    }

                    throw new AzuriteExitedException(
                        $"Azurite exited with code {process.ExitCode} before port {port} accepted connections. Output: {text}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token).ConfigureAwait(false);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"Azurite did not accept connections on 127.0.0.1:{port} within {timeout}.");
                }
            }
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        catch (OperationCanceledException)
        {
            // It did not exit in time; nothing more can be done here.
        }
    }

    private sealed class AzuriteExitedException(string message) : Exception(message);
}
