using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using OrleansRecovery.Client;
using OrleansRecovery.Hosting;
using OrleansRecovery.Ledger;

namespace OrleansRecovery.Silo;

/// <summary>
/// Everything the silo host does before it starts: find <c>silo-config/</c>, pick the profile, layer the configuration
/// (<c>appsettings.json</c>, <c>appsettings.{profile}.json</c>, environment variables, command line), validate every setting
/// (naming each one at fault), and wire Orleans clustering, Azure Storage and the OrleansRecovery engine with the ledger logic.
/// Tests call it to validate every profile without starting a silo.
/// </summary>
public static class SiloHostBuilder
{
    /// <summary>The environment variable naming the profile when there is no <c>--profile</c> argument.</summary>
    public const string ProfileEnvironmentVariable = SiloConfigDirectory.ProfileEnvironmentVariable;

    /// <summary>The environment variable naming the configuration directory when there is no <c>--config-dir</c> argument.</summary>
    public const string ConfigDirectoryEnvironmentVariable = SiloConfigDirectory.DirectoryEnvironmentVariable;

    /// <summary>The profile used when none is named.</summary>
    public const string DefaultProfile = SiloConfigDirectory.DefaultProfile;

    /// <summary>The name of the configuration directory.</summary>
    public const string ConfigDirectoryName = SiloConfigDirectory.DirectoryName;

    /// <summary>The profile: <c>--profile NAME</c> (or <c>--profile=NAME</c>), else <see cref="ProfileEnvironmentVariable"/>, else <c>local</c>.</summary>
    /// <exception cref="SiloConfigurationException"><c>--profile</c> has no value.</exception>
    public static string ResolveProfile(IReadOnlyList<string> args, Func<string, string?>? environment = null) =>
        Translate(() => SiloConfigDirectory.ResolveProfile(SiloConfigDirectory.ArgumentValue(args, "--profile"), environment));

    /// <summary>The configuration directory named by <c>--config-dir DIR</c> or <see cref="ConfigDirectoryEnvironmentVariable"/>, or null.</summary>
    /// <exception cref="SiloConfigurationException"><c>--config-dir</c> has no value.</exception>
    public static string? ResolveConfigDirectoryArgument(IReadOnlyList<string> args, Func<string, string?>? environment = null) =>
        Translate(() => SiloConfigDirectory.ResolveDirectory(SiloConfigDirectory.ArgumentValue(args, "--config-dir"), environment));

    /// <summary>
    /// The directory holding the profiles: <paramref name="explicitDirectory"/> when given, else the first <c>silo-config</c>
    /// found from the working directory upwards, else the one next to the executable (<see cref="SiloConfigDirectory.Find"/>).
    /// </summary>
    /// <exception cref="SiloConfigurationException">No such directory.</exception>
    public static string FindConfigDirectory(string? explicitDirectory = null) =>
        Translate(() => SiloConfigDirectory.Find(explicitDirectory).Path);

    /// <summary>The profiles present in <paramref name="configDirectory"/> (one per <c>appsettings.{profile}.json</c>).</summary>
    public static IReadOnlyList<string> Profiles(string configDirectory) => Translate(() => SiloConfigDirectory.Find(configDirectory).Profiles);

    /// <summary>
    /// Adds, in increasing precedence: <c>appsettings.json</c>, <c>appsettings.{profile}.json</c>, environment variables
    /// (e.g. <c>Storage__ConnectionString</c>) and the command line (e.g. <c>--Orleans:GatewayPort=30001</c>); see
    /// <see cref="SiloConfigDirectory.AddProfile"/>.
    /// </summary>
    /// <exception cref="SiloConfigurationException">The profile has no file.</exception>
    public static IConfigurationBuilder AddSiloConfiguration(this IConfigurationBuilder configuration, string configDirectory,
        string profile, IReadOnlyList<string>? args = null, bool includeEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(configDirectory);
        return Translate(() => SiloConfigDirectory.Find(configDirectory).AddProfile(configuration, profile, args, includeEnvironment));
    }

    /// <summary>Loads a profile into a configuration of its own (for tests and tools).</summary>
    /// <exception cref="SiloConfigurationException">The profile has no file.</exception>
    public static IConfigurationRoot LoadConfiguration(string configDirectory, string profile, IReadOnlyList<string>? args = null,
        bool includeEnvironment = true) =>
        new ConfigurationBuilder().AddSiloConfiguration(configDirectory, profile, args, includeEnvironment).Build();

    /// <summary>
    /// Validates every setting the silo reads and returns the host's settings.
    /// </summary>
    /// <param name="configuration">The layered configuration.</param>
    /// <param name="profile">The profile loaded (for messages).</param>
    /// <param name="configDirectory">The directory the profile came from; relative certificate paths are resolved against it.</param>
    /// <param name="environment">Reads environment variables (the TLS certificate password); default: the process environment.</param>
    /// <exception cref="SiloConfigurationException">One or more settings are invalid; each failure names its setting.</exception>
    public static SiloSettings Validate(IConfiguration configuration, string profile, string configDirectory,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<string>();
        var orleans = configuration.GetSection(SiloSettings.OrleansSection);

        string Required(string key)
        {
            var value = orleans[key];
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl))
            {
                failures.Add($"{SiloSettings.OrleansSection}:{key} is missing or empty; set it in {ConfigDirectoryName}/appsettings*.json or the environment ({SiloSettings.OrleansSection}__{key}).");
                return string.Empty;
            }

            return value.Trim();
        }

        var clusterId = Required("ClusterId");
        var serviceId = Required("ServiceId");
        var clusteringRaw = orleans[SiloSettings.ClusteringModeKey];
        var clustering = ClusteringMode.Localhost;
        if (string.IsNullOrWhiteSpace(clusteringRaw)
            || int.TryParse(clusteringRaw, out _)
            || !Enum.TryParse(clusteringRaw, ignoreCase: true, out clustering))
        {
            failures.Add($"{SiloSettings.OrleansSection}:{SiloSettings.ClusteringModeKey} is '{clusteringRaw ?? "(missing)"}'; it must be Localhost or AzureTable.");
        }

        if (orleans["Clustering"] is { } reserved)
        {
            // Orleans itself reads Orleans:Clustering as a provider section (Orleans:Clustering:ProviderType); a plain value there
            // makes UseOrleans fail with a message that does not say which file set it.
            failures.Add($"{SiloSettings.OrleansSection}:Clustering is '{reserved}', but Orleans reserves that key for its own provider " +
                $"configuration; choose the clustering with {SiloSettings.OrleansSection}:{SiloSettings.ClusteringModeKey} (Localhost or AzureTable).");
        }

        var reader = new SettingReader(configuration, SiloSettings.OrleansSection, failures);
        var siloPort = reader.RequiredPort("SiloPort");
        var gatewayPort = reader.RequiredPort("GatewayPort");
        if (siloPort != 0 && siloPort == gatewayPort)
        {
            failures.Add($"{SiloSettings.OrleansSection}:SiloPort and {SiloSettings.OrleansSection}:GatewayPort are both {siloPort}; they must differ.");
        }

        var listenOnAny = reader.Boolean("ListenOnAnyHostAddress", fallback: false);

        var advertised = orleans["AdvertisedHost"];
        var connectionString = configuration[SiloSettings.ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{SiloSettings.ConnectionStringKey} is missing; set it in {ConfigDirectoryName}/appsettings.{profile}.json or in the environment variable {SiloSettings.ConnectionStringEnvironmentVariable}.");
        }
        else if (DescribeStorageOrError(connectionString, out _) is { } problem)
        {
            failures.Add($"{SiloSettings.ConnectionStringKey} is not a usable Azure Storage connection string: {problem}");
        }

        var azure = BindAzureOptions(configuration, failures);
        var engine = BindEngineOptions(configuration, failures);
        if (azure is not null)
        {
            var azureResult = new TransactionAzureStorageOptionsValidator().Validate(null, azure);
            if (azureResult.Failed)
            {
                failures.AddRange(azureResult.Failures ?? []);
            }

            if (engine is not null)
            {
                var section = configuration.GetSection(TransactionRecoveryOptions.SectionName);
                CheckSame(section, nameof(TransactionRecoveryOptions.StorageProviderName), azure.StorageProviderName, failures);
                CheckSame(section, nameof(TransactionRecoveryOptions.StreamProviderName), azure.StreamProviderName, failures);

                // UseTransactionRecoveryAzureStorage names the providers; validate what the grain will really see.
                engine.StorageProviderName = azure.StorageProviderName;
                engine.StreamProviderName = azure.StreamProviderName;
            }
        }

        if (engine is not null)
        {
            var result = new TransactionRecoveryOptionsValidator().Validate(null, engine);
            if (result.Failed)
            {
                failures.AddRange(result.Failures ?? []);
            }
        }

        var messaging = SiloMessagingLimits.Load(configuration, engine, failures);
        var membership = SiloMembershipSettings.Load(configuration, engine, failures);
        var tls = SiloTlsSettings.Load(configuration, failures, environment, configDirectory);
        var observability = SiloObservabilitySettings.Load(configuration, failures);
        var web = SiloWebSettings.Load(configuration, failures);
        if (failures.Count > 0)
        {
            tls?.Certificate.Dispose();
            throw new SiloConfigurationException(failures);
        }

        return new SiloSettings
        {
            Messaging = messaging,
            Membership = membership,
            Tls = tls,
            Observability = observability,
            Web = web,
            Profile = profile,
            ConfigDirectory = configDirectory,
            ClusterId = clusterId,
            ServiceId = serviceId,
            Clustering = clustering,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            AdvertisedHost = string.IsNullOrWhiteSpace(advertised) ? null : advertised.Trim(),
            ListenOnAnyHostAddress = listenOnAny,
            ConnectionString = connectionString!,
        };
    }

    /// <summary>
    /// Layers the profile's configuration onto <paramref name="builder"/>, validates it, and wires the silo: clustering per
    /// <c>Orleans:ClusteringMode</c>, Azure Storage (grain storage, queue streams, reminders) per <c>OrleansRecovery:Azure</c>, and
    /// the engine with <see cref="LedgerLogic"/> per <c>OrleansRecovery</c> (validated again when the host starts).
    /// </summary>
    /// <exception cref="SiloConfigurationException">A setting is invalid; the message names it.</exception>
    /// <remarks>
    /// With <c>Web:Enabled</c> the builder must be a <see cref="WebApplicationBuilder"/> (see <see cref="CreateBuilder"/>): the silo then
    /// also registers the Orleans Dashboard and listens on <c>Web:Host</c>/<c>Web:Port</c>; <see cref="Build"/> maps the pages.
    /// </remarks>
    public static SiloSettings Configure(IHostApplicationBuilder builder, string profile, string? configDirectory = null,
        IReadOnlyList<string>? args = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dir = FindConfigDirectory(configDirectory);
        builder.Configuration.AddSiloConfiguration(dir, profile, args);
        var settings = Validate(builder.Configuration, profile, dir);
        var configuration = builder.Configuration;
        settings.Observability.ApplyTo(builder);
        if (settings.Web.Enabled)
        {
            if (builder is not WebApplicationBuilder web)
            {
                settings.Tls?.Certificate.Dispose();
                throw new SiloConfigurationException(
                    $"{SiloWebSettings.Section}:Enabled is true, but the silo is being built on a host without a web server; " +
                    $"create the builder with {nameof(SiloHostBuilder)}.{nameof(CreateBuilder)} or set {SiloWebSettings.Section}:Enabled=false.");
            }

            web.WebHost.UseUrls(settings.Web.Url);
        }

        builder.UseOrleans(silo =>
        {
            // Membership timing (Orleans:ClusterMembership:*, validated above; unset keys keep Orleans' defaults), checked again at start.
            var membershipSection = configuration.GetSection(SiloMembershipSettings.Section);
            silo.Configure<ClusterMembershipOptions>(o => membershipSection.Bind(o));
            silo.Services.AddSingleton<IValidateOptions<ClusterMembershipOptions>, SiloMembershipOptionsValidator>();
            silo.Services.AddOptions<ClusterMembershipOptions>().ValidateOnStart();

            if (settings.Clustering == ClusteringMode.Localhost)
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, settings.ServiceId, settings.ClusterId);
            }
            else
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = settings.ClusterId;
                    o.ServiceId = settings.ServiceId;
                });
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(settings.ConnectionString));
                if (settings.AdvertisedHost is { } host)
                {
                    silo.ConfigureEndpoints(host, settings.SiloPort, settings.GatewayPort,
                        listenOnAnyHostAddress: settings.ListenOnAnyHostAddress);
                }
                else
                {
                    silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort,
                        listenOnAnyHostAddress: settings.ListenOnAnyHostAddress);
                }
            }

            // Orleans binds Orleans:Messaging itself; set the validated values explicitly too, and check them again at start.
            silo.Configure<SiloMessagingOptions>(settings.Messaging.ApplyTo);
            silo.Services.AddSingleton<IValidateOptions<SiloMessagingOptions>, SiloMessagingLimitsValidator>();
            silo.Services.AddOptions<SiloMessagingOptions>().ValidateOnStart();
            settings.Tls?.ApplyTo(silo);
            if (settings.Web.Enabled)
            {
                // Grain call statistics for the dashboard; it is served by the same web host as the admin page (see Build).
                silo.AddDashboard();
            }

            var azureSection = configuration.GetSection(TransactionAzureStorageOptions.SectionName);
            silo.UseTransactionRecoveryAzureStorage(settings.ConnectionString, o => azureSection.Bind(o));
            silo.AddTransactionRecovery<LedgerLogic>(o => o.Bind(configuration.GetSection(TransactionRecoveryOptions.SectionName)));
        });

        return settings;
    }

    /// <summary>
    /// The host builder the profile asks for: a <see cref="WebApplicationBuilder"/> when <c>Web:Enabled</c> is true (dashboard and
    /// admin page), else a plain <see cref="HostApplicationBuilder"/>. Only <c>Web:Enabled</c> is read here; <see cref="Configure"/>
    /// reads and validates everything.
    /// </summary>
    /// <param name="profile">The profile (see <see cref="ResolveProfile"/>).</param>
    /// <param name="configDirectory">The configuration directory, or null to search for it.</param>
    /// <param name="args">The command line (also layered over the profile).</param>
    /// <exception cref="SiloConfigurationException">The profile or directory does not exist, or Web:Enabled is not a boolean.</exception>
    public static IHostApplicationBuilder CreateBuilder(string profile, string? configDirectory = null, IReadOnlyList<string>? args = null)
    {
        var dir = FindConfigDirectory(configDirectory);
        var failures = new List<string>();
        var web = new SettingReader(LoadConfiguration(dir, profile, args), SiloWebSettings.Section, failures).Boolean("Enabled", fallback: false);
        if (failures.Count > 0)
        {
            throw new SiloConfigurationException(failures[0]);
        }

        string[] commandLine = [.. args ?? []];
        return web
            ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = commandLine })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = commandLine });
    }

    /// <summary>
    /// Builds the host configured by <see cref="Configure"/>; on a web host, maps the Orleans Dashboard at <c>Web:DashboardPath</c>,
    /// the admin page at <c>Web:AdminPath</c>, and <c>/</c> to the admin page.
    /// </summary>
    public static IHost Build(IHostApplicationBuilder builder, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        switch (builder)
        {
            case WebApplicationBuilder web:
                var app = web.Build();
                app.MapOperatorPages(settings.Web);
                return app;
            case HostApplicationBuilder host:
                return host.Build();
            default:
                throw new ArgumentException($"{builder.GetType().Name} is neither a WebApplicationBuilder nor a HostApplicationBuilder.", nameof(builder));
        }
    }

    /// <summary>The storage account and endpoints of a connection string, without its key (for logs).</summary>
    public static string DescribeStorage(string connectionString) =>
        DescribeStorageOrError(connectionString, out var description) is { } problem ? $"(invalid: {problem})" : description;

    private static string? DescribeStorageOrError(string connectionString, out string description)
    {
        description = string.Empty;
        try
        {
            var tables = new TableServiceClient(connectionString);
            var queues = new QueueServiceClient(connectionString);
            description = $"account {tables.AccountName}, tables {tables.Uri}, queues {queues.Uri}";
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // Never echo the connection string itself: it holds the account key.
            return ex.GetType().Name + ": " + FirstLine(ex.Message);
        }
    }

    private static TransactionAzureStorageOptions? BindAzureOptions(IConfiguration configuration, List<string> failures)
    {
        try
        {
            var options = new TransactionAzureStorageOptions();
            configuration.GetSection(TransactionAzureStorageOptions.SectionName).Bind(options);
            return options;
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(FirstLine(ex.Message) + (ex.InnerException is { } inner ? " " + FirstLine(inner.Message) : string.Empty));
            return null;
        }
    }

    private static TransactionRecoveryOptions? BindEngineOptions(IConfiguration configuration, List<string> failures)
    {
        try
        {
            var options = new TransactionRecoveryOptions();
            configuration.GetSection(TransactionRecoveryOptions.SectionName).Bind(options);
            return options;
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(FirstLine(ex.Message) + (ex.InnerException is { } inner ? " " + FirstLine(inner.Message) : string.Empty));
            return null;
        }
    }

    private static void CheckSame(IConfigurationSection section, string key, string azureValue, List<string> failures)
    {
        var value = section[key];
        if (!string.IsNullOrWhiteSpace(value) && !string.Equals(value, azureValue, StringComparison.Ordinal))
        {
            failures.Add($"{TransactionRecoveryOptions.SectionName}:{key} is '{value}' but {TransactionAzureStorageOptions.SectionName}:{key} is '{azureValue}'; " +
                $"the Azure wiring registers the provider under the latter. Set only {TransactionAzureStorageOptions.SectionName}:{key}.");
        }
    }

    /// <summary>Runs a <see cref="SiloConfigDirectory"/> step, reporting its problem as the host's configuration error.</summary>
    private static T Translate<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (SiloConfigException ex)
        {
            throw new SiloConfigurationException(ex.Message, ex);
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
