using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansRecovery.Testing;

/// <summary>
/// Gives an <c>InProcessTestCluster</c> host (silo or client) Orleans' own TCP sockets back, so that a process or host outside
/// the test cluster can connect to its gateways (<see cref="TransactionTestClusterOptions.UseSockets"/>).
/// </summary>
/// <remarks>
/// Orleans 10's <c>InProcessTestCluster</c> always adds its in-memory transport: keyed <see cref="IConnectionFactory"/> and
/// <see cref="IConnectionListenerFactory"/> registrations made after the silo's or client's own (the sockets Orleans registers
/// by default). Whatever a test adds to the host runs before that, so the swap happens where the service collection is final:
/// in the container factory's configure step, which removes the registrations the test kit's in-memory transport made and
/// leaves Orleans' defaults to be resolved. The ports are the real free ports the test cluster already allocates per silo.
/// </remarks>
internal static class SocketTransport
{
    private const string InMemoryTransportNamespace = "Orleans.TestingHost.InMemoryTransport";

    /// <summary>Makes the host resolve Orleans' socket transport instead of the test cluster's in-memory one.</summary>
    public static void Use(IHostApplicationBuilder host) =>
        host.ConfigureContainer(new DefaultServiceProviderFactory(), RemoveInMemoryTransport);

    private static void RemoveInMemoryTransport(IServiceCollection services)
    {
        var removed = 0;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.IsKeyedService
                && (descriptor.ServiceType == typeof(IConnectionFactory) || descriptor.ServiceType == typeof(IConnectionListenerFactory))
                && descriptor.KeyedImplementationFactory?.Method.DeclaringType?.Namespace == InMemoryTransportNamespace)
            {
                services.RemoveAt(i);
                removed++;
            }
        }

        if (removed == 0)
        {
            // The test host changed how it adds its transport: say so rather than run on in memory while the test expects sockets.
            throw new InvalidOperationException(
                "TransactionTestClusterOptions.UseSockets found no in-memory transport to replace in this version of " +
                "Microsoft.Orleans.TestingHost; the cluster cannot be joined from outside. Run without UseSockets.");
        }
    }
}
