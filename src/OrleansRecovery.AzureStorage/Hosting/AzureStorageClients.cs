using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRecovery.Hosting;

/// <summary>
/// The Azure client a provider section names, read as Orleans' own Azure provider builders read it: <c>ServiceKey</c> (a keyed
/// client registered by the host, e.g. by .NET Aspire), else <c>ConnectionName</c> (an entry of <c>ConnectionStrings</c>), else
/// <c>ConnectionString</c> (a connection string, or an account URI used with <see cref="DefaultAzureCredential"/>).
/// </summary>
internal static class AzureStorageClients
{
    public static TClient Resolve<TClient>(IServiceProvider services, IConfigurationSection section,
        Func<string, TClient> fromConnectionString, Func<Uri, TClient> fromUri)
        where TClient : notnull
    {
        if (section["ServiceKey"] is { Length: > 0 } serviceKey)
        {
            return services.GetRequiredKeyedService<TClient>(serviceKey);
        }

        var connectionString = section["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString) && section["ConnectionName"] is { Length: > 0 } connectionName)
        {
            connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"{section.Path}:ConnectionName is '{connectionName}', but ConnectionStrings:{connectionName} is not set " +
                    $"(environment variable ConnectionStrings__{connectionName}).");
            }
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{section.Path} names no storage account: set {section.Path}:ConnectionName (an entry of ConnectionStrings), " +
                $"{section.Path}:ConnectionString, or {section.Path}:ServiceKey (a keyed {typeof(TClient).Name}).");
        }

        return Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? fromUri(uri)
            : fromConnectionString(connectionString);
    }
}
