using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Client;
using OrleansRecovery.Configuration;

namespace OrleansRecovery.Cli.Connection;

/// <summary>
/// The configuration recoveryctl joins the cluster with, read as the silos read theirs (<see cref="SiloConfigFiles"/>):
/// <c>appsettings.json</c>, <c>appsettings.{Environment}.json</c>, environment variables, then recoveryctl's options over the
/// keys they name. Orleans itself reads its keys from it; recoveryctl checks beforehand what it can name better.
/// </summary>
internal sealed record ClusterSettings
{
    public required string Environment { get; init; }
    public required string ContentRoot { get; init; }
    public required IConfiguration Configuration { get; init; }
    public required string ClusterId { get; init; }
    public TransactionTlsOptions? Tls { get; init; }
    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>Where recoveryctl looks for the cluster, for messages.</summary>
    public string Describe() =>
        (Configuration.GetSection("Orleans:Clustering:Gateways").GetChildren().Select(g => g.Value).ToList() is { Count: > 0 } gateways
            && Configuration["Orleans:Clustering:ProviderType"] is "Static" or "Development"
            ? $"gateway {string.Join(", ", gateways)}"
            : $"gateways from the {Configuration["Orleans:Clustering:ProviderType"]} membership table")
        + $" (environment {Environment}, cluster id {ClusterId}{(Tls is null ? ")" : ", TLS)")}";

    /// <summary>Reads the files and applies <paramref name="request"/>; a missing or bad setting is a usage error naming it (and its option).</summary>
    public static ClusterSettings Load(ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string root;
        try
        {
            root = request.ConfigDirectory is { Length: > 0 } dir ? Path.GetFullPath(dir) : SiloConfigFiles.Find();
        }
        catch (DirectoryNotFoundException ex)
        {
            throw CommandFailedException.Usage(ex.Message.Replace("--contentRoot", "--config-dir", StringComparison.Ordinal));
        }

        var environment = request.Environment ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var files = new ConfigurationBuilder().SetBasePath(root)
            .AddJsonFile("appsettings.json", optional: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables();
        var problem = File.Exists(Path.Combine(root, "appsettings.json"))
            ? SiloConfigFiles.Problem(environment, root)
            : $"no appsettings.json in '{root}' (--config-dir)";
        if (problem is not null)
        {
            throw CommandFailedException.Usage(problem.Replace("(from --environment", "(from --environment, --profile", StringComparison.Ordinal));
        }

        var layered = files.Build();
        var overrides = new Dictionary<string, string?>();
        var options = new List<(string Key, string Option)>();
        void Override(string key, string? value, string option)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                overrides[key] = value.Trim();
                options.Add((key, option));
            }
        }

        Override("Orleans:ClusterId", request.ClusterId, "--cluster-id");
        Override("Orleans:ServiceId", request.ServiceId, "--service-id");
        Override($"ConnectionStrings:{layered["Orleans:Clustering:ConnectionName"] ?? "storage"}", request.ConnectionString, "--connection-string");
        if (request.Gateway is { } gateway)
        {
            // Blank the configured gateways and table so that only this one is used.
            foreach (var entry in layered.GetSection("Orleans:Clustering").AsEnumerable().Where(e => e.Value is not null))
            {
                overrides[entry.Key] = string.Empty;
            }

            overrides["Orleans:Clustering:ProviderType"] = "Static";
            overrides["Orleans:Clustering:Gateways:0"] = ParseGateway(gateway).ToString();
        }

        // The certificate given here is relative to where the operator typed it, and replaces the configured one.
        Override("Orleans:Tls:CertificatePath", request.TlsCertificate is { Length: > 0 } pfx ? Path.GetFullPath(pfx) : null, "--tls-certificate");
        if (request.TlsCertificate is { Length: > 0 })
        {
            overrides["Orleans:Tls:StoreSubject"] = string.Empty;
        }

        Override("Orleans:Tls:TargetHost", request.TlsTargetHost, "--tls-target-host");
        if (request.TlsThumbprints.Count > 0)
        {
            foreach (var entry in layered.GetSection("Orleans:Tls:TrustedThumbprints").GetChildren())
            {
                overrides[entry.Path] = string.Empty;
            }

            Override("Orleans:Tls:TrustedThumbprints", string.Join(',', request.TlsThumbprints), "--tls-thumbprint");
        }

        if (request.Tls || options.Exists(o => o.Key.StartsWith("Orleans:Tls", StringComparison.Ordinal)))
        {
            overrides["Orleans:Tls:Enabled"] = "true";
        }

        var config = new ConfigurationBuilder().AddConfiguration(layered).AddInMemoryCollection(overrides).Build();
        var failures = new List<string>();
        var clusterId = config["Orleans:ClusterId"];
        if (string.IsNullOrWhiteSpace(clusterId))
        {
            failures.Add("Orleans:ClusterId is missing; set it in the configuration or the environment (Orleans__ClusterId).");
        }

        if (string.IsNullOrWhiteSpace(config["Orleans:Clustering:ProviderType"]))
        {
            failures.Add("Orleans:Clustering:ProviderType is missing; set it (AzureTableStorage, or Development/Static with Orleans:Clustering:Gateways), or pass --gateway.");
        }

        if (config["Orleans:Clustering:ConnectionName"] is { Length: > 0 } name && string.IsNullOrWhiteSpace(config.GetConnectionString(name))
            && config["Orleans:Clustering:ProviderType"] is not ("Static" or "Development"))
        {
            failures.Add($"ConnectionStrings:{name} is missing; the membership table is on that account. Set it in the configuration or the environment (ConnectionStrings__{name}).");
            options.Add(($"ConnectionStrings:{name}", "--connection-string"));
        }

        TransactionTlsOptions? tls = null;
        try
        {
            tls = TransactionTlsOptions.FromConfiguration(config);
            failures.AddRange(tls is null ? [] : TransactionTls.Validate(tls, TransactionTlsRole.Client, root));
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }

        if (failures.Count > 0)
        {
            var named = failures.Select(f => options.Aggregate(f, (text, o) => NameOption(text, o.Key, o.Option)));
            var topic = failures.TrueForAll(f => f.Contains("Orleans:Tls", StringComparison.Ordinal)) ? "TLS" : "configuration";
            throw CommandFailedException.Usage($"{topic} (environment {environment}, {root}): {string.Join(" ", named)}");
        }

        return new ClusterSettings
        {
            Environment = environment,
            ContentRoot = root,
            Configuration = config,
            ClusterId = clusterId!,
            Tls = tls,
            ConnectTimeout = request.ConnectTimeout,
        };
    }

    /// <summary>Adds the option's name after the first mention of <paramref name="key"/> in <paramref name="message"/>.</summary>
    private static string NameOption(string message, string key, string option)
    {
        var at = message.IndexOf(key, StringComparison.Ordinal);
        return at < 0 || message.AsSpan(at + key.Length).StartsWith(" (--", StringComparison.Ordinal)
            ? message
            : string.Concat(message.AsSpan(0, at + key.Length), $" ({option})", message.AsSpan(at + key.Length));
    }

    /// <summary>Parses <c>host:port</c> (a name, an IPv4 address or a bracketed IPv6 address).</summary>
    public static IPEndPoint ParseGateway(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw CommandFailedException.Usage($"--gateway '{text}' is not host:port (e.g. 127.0.0.1:30000).");
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null ? throw CommandFailedException.Usage($"--gateway host '{host}' has no address.") : new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ClusterUnreachableException($"cannot resolve the gateway host '{host}': {ex.Message}");
        }
    }
}
