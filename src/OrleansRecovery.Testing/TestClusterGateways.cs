using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace OrleansRecovery.Testing;

/// <summary>
/// The gateways of a test cluster's active silos, for a client of another host (<c>TransactionTestCluster.ConfigureExternalClient</c>):
/// read from the cluster itself at each refresh, so the client follows silos the test kills and starts.
/// </summary>
internal sealed class TestClusterGateways(InProcessTestCluster cluster) : IGatewayListProvider
{
    /// <summary>The client asks again this often; a test that kills a silo is followed within it.</summary>
    public TimeSpan MaxStaleness => TimeSpan.FromSeconds(1);

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways() => Task.FromResult<IList<Uri>>(
        [.. cluster.Silos.Where(s => s.IsActive && s.GatewayAddress is not null).Select(s => s.GatewayAddress.ToGatewayUri())]);
}
