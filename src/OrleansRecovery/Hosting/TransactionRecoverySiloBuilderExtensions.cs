using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRecovery.Diagnostics;
using OrleansRecovery.Hosting;
using OrleansRecovery.Logic;

namespace Orleans.Hosting;

/// <summary>Adds the OrleansRecovery engine to a silo.</summary>
public static class TransactionRecoverySiloBuilderExtensions
{
    /// <summary>
    /// Adds <c>TransactionGrain</c> driven by <typeparamref name="TLogic"/>, its options bound from the host's
    /// <see cref="TransactionRecoveryOptions.SectionName"/> section (then <paramref name="configure"/>) and validated when the host
    /// starts, each failure naming its key. The silo also needs a grain storage named
    /// <see cref="TransactionRecoveryOptions.StorageProviderName"/> and, to announce recoveries, a stream provider named
    /// <see cref="TransactionRecoveryOptions.StreamProviderName"/>: Orleans' keys with the provider types of
    /// <c>OrleansRecovery.AzureStorage</c>, or its <c>UseTransactionRecoveryAzureStorage</c>.
    /// </summary>
    public static ISiloBuilder AddTransactionRecovery<TLogic>(this ISiloBuilder builder,
        Action<OptionsBuilder<TransactionRecoveryOptions>>? configure = null)
        where TLogic : class, ITransactionLogic
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTransactionRecovery<TLogic>(configure);
        return builder;
    }

    /// <summary>Registers the engine's services with <typeparamref name="TLogic"/> as the application's transaction logic.</summary>
    public static IServiceCollection AddTransactionRecovery<TLogic>(this IServiceCollection services,
        Action<OptionsBuilder<TransactionRecoveryOptions>>? configure = null)
        where TLogic : class, ITransactionLogic
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<ITransactionLogic>();
        services.AddSingleton<ITransactionLogic, TLogic>();
        var options = services.AddOptions<TransactionRecoveryOptions>().ValidateOnStart();

        // Bound first, so that configure (code) wins over configuration. A container without IConfiguration binds nothing.
        services.AddSingleton<IConfigureOptions<TransactionRecoveryOptions>>(sp =>
            new ConfigureNamedOptions<TransactionRecoveryOptions>(Options.DefaultName, o =>
            {
                if (sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>() is { } configuration)
                {
                    Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(TransactionRecoveryOptions.SectionName), o);
                }
            }));
        configure?.Invoke(options);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransactionRecoveryOptions>, TransactionRecoveryOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<OrleansRecovery.Registry.RegistryCensus>();
        services.TryAddSingleton(sp => new RecoveryMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<OrleansRecovery.Registry.RegistryCensus>()));
        services.TryAddSingleton<CampaignMetrics>();
        services.TryAddSingleton<OrleansRecovery.Scopes.RecoveryScopeDirectory>();
        services.TryAddSingleton<OrleansRecovery.Grains.AnnouncementGate>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, OrleansRecovery.Registry.RegistryWakeUp>());
        return services;
    }
}
