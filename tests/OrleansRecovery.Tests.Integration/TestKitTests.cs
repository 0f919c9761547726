using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration;

/// <summary>The test kit itself: Azurite start-up and clean-up, and the waiting helper.</summary>
public sealed class TestKitTests
{
    [Fact]
    public async Task AzuriteInstance_ServesTables_OnItsOwnPorts_AndIsGoneAfterDispose()
    {
        int pid;
        int tablePort;
        await using (var azurite = await AzuriteInstance.StartAsync())
        {
            pid = azurite.ProcessId;
            tablePort = azurite.TablePort;
            Assert.Equal(3, new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Distinct().Count());
            Assert.Contains($"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1", azurite.ConnectionString, StringComparison.Ordinal);

            var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("kit");
            await table.CreateIfNotExistsAsync();
            await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 42 });
            Assert.Equal(42, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("Value"));
        }

        Assert.True(HasExited(pid), "The Azurite process is still running after dispose.");
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", tablePort));
    }

    [Fact]
    public async Task AzuriteInstance_OnDisk_WritesItsDataUnderTheLocation()
    {
        var location = Path.Combine(Path.GetTempPath(), "orleansrecovery-azurite-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var azurite = await AzuriteInstance.StartAsync(new AzuriteOptions { Location = location }))
            {
                var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("kit");
                await table.CreateIfNotExistsAsync();
            }

            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(location));
        }
        finally
        {
            Directory.Delete(location, recursive: true);
        }
    }

    [Fact]
    public async Task AzuriteInstance_WithAMissingExecutable_SaysHowToInstallIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "azurite");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => AzuriteInstance.StartAsync(new AzuriteOptions { ExecutablePath = missing }));

        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindExecutable_FindsTheRepositorysAzurite()
    {
        var path = AzuriteInstance.FindExecutable();

        Assert.True(File.Exists(path));
        Assert.Contains(Path.Combine("node_modules", ".bin"), path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eventually_TimesOut_WithWhatItWaitedFor_AndTheLastError()
    {
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.WaitUntilAsync(
            () => throw new InvalidOperationException("still failing over"), TimeSpan.FromMilliseconds(300), "the sky is green"));

        Assert.Contains("the sky is green", error.Message, StringComparison.Ordinal);
        Assert.Contains("still failing over", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10));
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
