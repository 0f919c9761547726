using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// One silo on its own on-disk Azurite (<see cref="AzuriteOptions.Location"/>) that a test can kill (<see cref="StopAzuriteAsync"/>)
/// and start again on the same ports and data directory (<see cref="StartAzuriteAgainAsync"/>): a storage outage.
/// </summary>
public sealed class StorageOutageFixture : IAsyncLifetime
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "orq-outage-" + Guid.NewGuid().ToString("N")[..10]);
    private AzuriteInstance? _azurite;
    private Process? _restarted;
    private TransactionTestCluster? _cluster;
    private int _blobPort;
    private int _queuePort;
    private int _tablePort;

    public TransactionTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not started.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>Azurite's data directory.</summary>
    public string Location => _location;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync(new AzuriteOptions { Location = _location });
        (_blobPort, _queuePort, _tablePort) = (_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
        _cluster = await TransactionTestCluster.StartAsync<TestLedgerLogic>(_azurite.ConnectionString, o => o.SiloCount = 1);
    }

    /// <summary>
    /// The last time Azurite saved its table database to disk (it saves about every 5 s when something changed), or null when
    /// the file is not there yet.
    /// </summary>
    public DateTime? TableDatabaseSavedUtc()
    {
        var file = Directory.EnumerateFiles(_location, "*azurite_db_table*.json").FirstOrDefault();
        return file is null ? null : File.GetLastWriteTimeUtc(file);
    }

    /// <summary>Kills Azurite (SIGKILL, no flush).</summary>
    public async Task StopAzuriteAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
            _azurite = null;
        }

        if (_restarted is not null)
        {
            await KillAsync(_restarted);
            _restarted = null;
        }
    }

    /// <summary>Starts Azurite again on the same ports and data directory, and waits until its ports accept connections.</summary>
    public async Task StartAzuriteAgainAsync()
    {
        var start = new ProcessStartInfo(AzuriteInstance.FindExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in new[]
        {
            "--silent", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", _blobPort.ToString(CultureInfo.InvariantCulture),
            "--queuePort", _queuePort.ToString(CultureInfo.InvariantCulture),
            "--tablePort", _tablePort.ToString(CultureInfo.InvariantCulture),
            "--location", _location,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _restarted = process;

        foreach (var port in new[] { _blobPort, _queuePort, _tablePort })
        {
            await Eventually.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The restarted Azurite exited with code {process.ExitCode}.");
                }

                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }, TimeSpan.FromSeconds(30), $"the restarted Azurite accepts connections on port {port}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await StopAzuriteAsync();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
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
            await process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StorageOutageDefinition : ICollectionFixture<StorageOutageFixture>
{
    public const string Name = "Storage outage";
}
