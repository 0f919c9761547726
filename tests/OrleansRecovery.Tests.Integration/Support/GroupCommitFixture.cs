using System.Collections.Concurrent;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// One silo whose transaction storage counts writes per grain, can fail on demand, and takes at least 5 ms per write, so that
/// concurrent submissions reliably wait together behind a write in flight (group commit).
/// </summary>
public sealed class GroupCommitFixture : LedgerClusterFixture
{
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();

    public StorageFaults Faults { get; } = new();

    /// <summary>Records written for <paramref name="grainId"/> (attempts included).</summary>
    public int WritesOf(GrainId grainId) => _writes.TryGetValue(grainId, out var n) ? n : 0;

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner, async (name, grainId, cancellationToken) =>
        {
            _writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
            await Faults.BeforeWrite(name, grainId, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        });
    }
}

[CollectionDefinition(Name)]
public sealed class GroupCommitDefinition : ICollectionFixture<GroupCommitFixture>
{
    public const string Name = "Group commit";
}
