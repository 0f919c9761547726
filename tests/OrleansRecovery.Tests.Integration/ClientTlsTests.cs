using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRecovery.Cli;
using OrleansRecovery.Client;
using OrleansRecovery.Ledger;
using OrleansRecovery.Tests.Integration.Support;
using Xunit.Abstractions;

namespace OrleansRecovery.Tests.Integration;

/// <summary>
/// Clients of a TLS cluster (one silo through the real host, mutual TLS, its certificate pinned; see
/// <see cref="TlsClusterFixture"/>): recoveryctl with the configured <c>Orleans:Tls:*</c> keys or its <c>--tls*</c> options,
/// and a plain <see cref="IClusterClient"/> configured with <c>UseTransactionRecoveryTls</c> from the client package. The right
/// certificate connects; a wrong, missing or unreadable one fails with an error that says what to fix.
/// </summary>
public sealed class ClientTlsTests(TlsClusterFixture fixture, ITestOutputHelper output) : IClassFixture<TlsClusterFixture>
{
    private const string OneSilo = "Cluster  1 active silo(s) of 1 in the membership table";

    // ---- recoveryctl ----

    [Fact]
    public async Task Recoveryctl_Status_WithTheProfilesTlsSettings_Connects()
    {
        var status = await RunAsync("status", "--environment", "tls");

        Assert.Equal(0, status.Code);
        Assert.Contains(OneSilo, status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_Status_WithTlsOptions_ConnectsWhereTheProfileHasTlsOff()
    {
        var status = await RunAsync("status", "--environment", "plain", "--tls-certificate", fixture.CertificatePath,
            "--tls-thumbprint", Colons(fixture.Certificate.Thumbprint));

        Assert.Equal(0, status.Code);
        Assert.Contains(OneSilo, status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_WithoutTls_CannotReachATlsCluster()
    {
        var status = await RunAsync("status", "--environment", "plain", "--connect-timeout", "3s");

        Assert.Equal(3, status.Code);
        Assert.StartsWith($"recoveryctl: cannot reach the cluster at gateways from the AzureTableStorage membership table (environment plain, cluster id {fixture.ClusterId}) within 3 s:",
            status.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_WithAClientCertificateTheSiloDoesNotTrust_FailsNamingThatCertificate()
    {
        var status = await RunAsync("status", "--environment", "tls", "--tls-certificate", fixture.StrangerPath, "--connect-timeout", "3s");

        Assert.Equal(3, status.Code);
        var line = status.Output.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"recoveryctl: cannot reach the cluster at gateways from the AzureTableStorage membership table (environment tls, cluster id {fixture.ClusterId}, TLS) within 3 s:",
            line, StringComparison.Ordinal);
        Assert.EndsWith(
            $"TLS is on: if a gateway is up, check that the silos accept this client's certificate '{fixture.StrangerPath}' (Orleans:Tls:CertificatePath, Orleans:Tls:StoreSubject or --tls-certificate)",
            line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_NotTrustingTheSilosCertificate_FailsNamingTheCertificateAndThePins()
    {
        var status = await RunAsync("status", "--environment", "tls", "--tls-thumbprint", fixture.Stranger.Thumbprint, "--connect-timeout", "3s");

        Assert.Equal(3, status.Code);
        Assert.Contains(
            $"TLS: the silo's certificate 'CN=orleansrecovery-silo' (thumbprint {fixture.Certificate.Thumbprint}) was refused (RemoteCertificateNameMismatch, RemoteCertificateChainErrors)",
            status.Output, StringComparison.Ordinal);
        Assert.Contains($"or be pinned in Orleans:Tls:TrustedThumbprints (--tls-thumbprint; {fixture.Stranger.Thumbprint})", status.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_WithTls_AgainstAGatewayThatDoesNotSpeakTls_SaysTheHandshakeFailed()
    {
        // A listener that answers in plain text and hangs up, as a gateway without TLS would answer a TLS client hello.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);

                // Wait for the client hello: a connection closed before it is just a closed connection, not a failed handshake.
                await socket.ReceiveAsync(new byte[1024], SocketFlags.None, stop.Token);
                await socket.SendAsync("not TLS\r\n"u8.ToArray(), SocketFlags.None, stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var status = await RunAsync("status", "--environment", "plain", "--gateway", $"127.0.0.1:{port}", "--tls", "--tls-thumbprint", fixture.Certificate.Thumbprint,
            "--connect-timeout", "2s");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering);

        Assert.Equal(3, status.Code);
        var line = status.Output.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"recoveryctl: cannot reach the cluster at gateway 127.0.0.1:{port} (environment plain, cluster id {fixture.ClusterId}, TLS) within 2 s:",
            line, StringComparison.Ordinal);
        Assert.Contains("; the TLS handshake failed (", line, StringComparison.Ordinal);
        Assert.EndsWith("); check that the silos have TLS on (Orleans:Tls:Enabled)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recoveryctl_MissingOrUnreadableCertificate_ExitsWith2_NamingTheSetting()
    {
        var missing = Path.Combine(Path.GetTempPath(), "orq-no-such-" + Guid.NewGuid().ToString("N")[..8] + ".pfx");
        fixture.WriteProfile("tls-unset-password", new
        {
            fixture.ClusterId,
            Clustering = new { ProviderType = "AzureTableStorage", ConnectionName = "storage" },
            Tls = new { Enabled = true, CertificatePath = "client.pfx", CertificatePasswordVariable = "ORQ_TEST_NO_SUCH_VARIABLE", TargetHost = "localhost" },
        });
        fixture.WriteProfile("tls-no-certificate", new
        {
            fixture.ClusterId,
            Clustering = new { ProviderType = "AzureTableStorage", ConnectionName = "storage" },
            Tls = new { Enabled = true, RequireClientCertificate = true, TrustedThumbprints = new[] { fixture.Certificate.Thumbprint } },
        });
        fixture.WriteProfile("tls-no-trust", new
        {
            fixture.ClusterId,
            Clustering = new { ProviderType = "AzureTableStorage", ConnectionName = "storage" },
            Tls = new { Enabled = true, CertificatePath = "client.pfx", CertificatePasswordVariable = fixture.PasswordVariable },
        });

        var noFile = await RunAsync("status", "--environment", "tls", "--tls-certificate", missing);
        var noPassword = await RunAsync("status", "--environment", "tls-unset-password");
        var noCertificate = await RunAsync("status", "--environment", "tls-no-certificate");
        var noTrust = await RunAsync("status", "--environment", "tls-no-trust");
        var badPin = await RunAsync("status", "--environment", "tls", "--tls-thumbprint", "not-a-digest");

        foreach (var result in new[] { noFile, noPassword, noCertificate, noTrust, badPin })
        {
            output.WriteLine(result.Output);
            Assert.Equal(2, result.Code);
            Assert.StartsWith("recoveryctl: TLS (environment ", result.Output, StringComparison.Ordinal);
        }

        Assert.Contains($"Orleans:Tls:CertificatePath (--tls-certificate) is '{missing}'; no file at '{missing}'.", noFile.Output, StringComparison.Ordinal);
        Assert.Contains("Orleans:Tls:CertificatePath 'client.pfx' could not be loaded (", noPassword.Output, StringComparison.Ordinal);
        Assert.Contains("check the file and the password in the environment variable ORQ_TEST_NO_SUCH_VARIABLE (not set).", noPassword.Output, StringComparison.Ordinal);
        Assert.Contains("Orleans:Tls:RequireClientCertificate is true, so the silos accept only clients with a certificate: set Orleans:Tls:CertificatePath",
            noCertificate.Output, StringComparison.Ordinal);
        Assert.Contains("so set Orleans:Tls:TargetHost (the name the silos' certificate is issued for) or Orleans:Tls:TrustedThumbprints", noTrust.Output,
            StringComparison.Ordinal);
        Assert.Contains("Orleans:Tls:TrustedThumbprints (--tls-thumbprint) holds 'not-a-digest'", badPin.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Password, string.Concat(noFile.Output, noPassword.Output, noCertificate.Output, noTrust.Output, badPin.Output),
            StringComparison.Ordinal);
    }

    // ---- the client package ----

    [Fact]
    public async Task UseTransactionRecoveryTls_WithAPfxAndThePinnedSiloCertificate_ConnectsAPlainClusterClient()
    {
        using var host = await StartClientAsync(new TransactionTlsOptions
        {
            CertificatePath = fixture.CertificatePath,
            CertificatePasswordVariable = fixture.PasswordVariable,
            TrustedThumbprints = [fixture.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)],
        });
        var client = host.Services.GetRequiredService<IClusterClient>();

        for (var i = 0; i < 3; i++)
        {
            var tx = "ctls-account-" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(SubmitOutcome.Processed, (await client.SubmitAsync(tx, LedgerMessages.Credit("c1", 10 + i))).Outcome);
            Assert.Equal(10 + i, (await client.DataAsync(tx)).Balance);
        }
    }

    [Fact]
    public async Task UseTransactionRecoveryTls_WithATargetHostOnly_RefusesTheSelfSignedSiloCertificate_AndSaysWhy()
    {
        var refusals = new List<(string Subject, SslPolicyErrors Errors)>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var host = await StartClientAsync(new TransactionTlsOptions
            {
                Certificate = fixture.Certificate,
                TargetHost = "localhost",
                CertificateRefused = (certificate, errors) =>
                {
                    lock (refusals)
                    {
                        refusals.Add((certificate.Subject, errors));
                    }
                },
            });
        });

        output.WriteLine($"{error.GetType().Name}: {error.Message}");
        Assert.Equal("ConnectionFailedException", error.GetType().Name);
        (string Subject, SslPolicyErrors Errors) refusal;
        lock (refusals)
        {
            refusal = Assert.Single(refusals.Distinct());
        }

        // The name matches (the certificate is issued for localhost); only its chain is untrusted, and nothing pins it.
        Assert.Equal(("CN=orleansrecovery-silo", SslPolicyErrors.RemoteCertificateChainErrors), refusal);
    }

    [Fact]
    public void UseTransactionRecoveryTls_WithAWrongPassword_FailsWhenConfigured_NamingTheSetting()
    {
        var variable = "ORQ_TEST_WRONG_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, "not-the-password");
        try
        {
            var error = Assert.Throws<OptionsValidationException>(() =>
                Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }).UseOrleansClient(client =>
                    client.UseTransactionRecoveryTls(o =>
                    {
                        o.CertificatePath = fixture.CertificatePath;
                        o.CertificatePasswordVariable = variable;
                        o.TrustedThumbprints = [fixture.Certificate.Thumbprint];
                    })));

            var failure = Assert.Single(error.Failures);
            Assert.StartsWith($"Orleans:Tls:CertificatePath '{fixture.CertificatePath}' could not be loaded (", failure, StringComparison.Ordinal);
            Assert.EndsWith($"check the file and the password in the environment variable {variable}.", failure, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", failure, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private Task<IHost> StartClientAsync(TransactionTlsOptions tls) =>
        AzureTableClusterClient.StartAsync(fixture.ClusterId, fixture.Azurite.ConnectionString, client => client.UseTransactionRecoveryTls(tls));

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var code = await RecoveryCtl.RunAsync([.. args, "--config-dir", fixture.ConfigDirectory], client: null, writer);
        output.WriteLine($"recoveryctl {string.Join(' ', args)} → {code}: {writer}");
        return (code, writer.ToString());
    }

    /// <summary>The thumbprint as certificate viewers print it (AB:CD:…), which recoveryctl must accept.</summary>
    private static string Colons(string thumbprint) =>
        string.Join(':', Enumerable.Range(0, thumbprint.Length / 2).Select(i => thumbprint.Substring(i * 2, 2)));
}
