using System.Collections.Concurrent;
using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// One silo whose transaction storage counts writes per grain, can fail on demand, and takes at least 5 ms per write, so that
/// concurrent submissions reliably wait together behind a write in flight (group commit).
/// </summary>
public class GroupCommitFixture : LedgerClusterFixture
{
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();

    public StorageFaults Faults { get; } = new();

    /// <summary>Records written for <paramref name="grainId"/> (attempts included).</summary>
    public int WritesOf(GrainId grainId) => _writes.TryGetValue(grainId, out var n) ? n : 0;

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner, BeforeWriteAsync);
    }

    /// <summary>Counts the record write, injects its fault if one is armed, and makes it last at least 5 ms.</summary>
    protected async Task BeforeWriteAsync(string name, GrainId grainId, CancellationToken cancellationToken)
    {
        _writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        await Faults.BeforeWrite(name, grainId, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
    }
}

/// <summary>The same on the batching layout: writes are counted, failed and slowed before they join a bucket's batch.</summary>
public sealed class BatchingGroupCommitFixture : GroupCommitFixture
{
    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        BatchingLayout.Use(options, new OrleansRecovery.Batching.BucketStoreHooks(BeforeWrite: BeforeWriteAsync));
    }
}

[CollectionDefinition(Name)]
public sealed class GroupCommitDefinition : ICollectionFixture<GroupCommitFixture>
{
    public const string Name = "Group commit";
}

[CollectionDefinition(Name)]
public sealed class BatchingGroupCommitDefinition : ICollectionFixture<BatchingGroupCommitFixture>
{
    public const string Name = "Group commit, batching layout";
}
