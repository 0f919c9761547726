using OrleansRecovery.Testing;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>
/// One silo whose transaction storage takes the faults armed in <see cref="Faults"/> (before or after the write), with small
/// pending-log segments and replay batches and a short replay retry delay, for the injected-fault run of issue 3 (scenario 11).
/// </summary>
public sealed class InjectedFaultFixture : LedgerClusterFixture
{
    public StorageFaults Faults { get; } = new();

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.WrapStorage = (_, inner) => Faults.Wrap(inner);
        options.ConfigureAzureStorage = azure => azure.QueuePollPeriod = TimeSpan.FromMilliseconds(50);
        options.ConfigureRecovery = recovery =>
        {
            recovery.SegmentMaxEntries = 4;
            recovery.ReplayBatchSize = 3;
            recovery.ReplayRetryBaseDelay = TimeSpan.FromMilliseconds(20);
            recovery.ReplayRetryMaxDelay = TimeSpan.FromMilliseconds(200);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class InjectedFaultDefinition : ICollectionFixture<InjectedFaultFixture>
{
    public const string Name = "Injected fault run";
}

/// <summary>
/// One silo whose stream messages come back after a short visibility timeout (<see cref="VisibilityTimeout"/>) and whose
/// transaction writes can be slowed down (<see cref="WriteDelay"/>), so that consuming takes longer than the timeout and the
/// queue redelivers events the grain has already admitted (issue 3, scenario 6).
/// </summary>
public sealed class StreamRedeliveryFixture : LedgerClusterFixture
{
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(2);

    private long _writeDelayTicks;

    /// <summary>How long every transaction record write (and clear) waits before it reaches storage. Zero by default.</summary>
    public TimeSpan WriteDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _writeDelayTicks));
        set => Interlocked.Exchange(ref _writeDelayTicks, value.Ticks);
    }

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 1;
        options.WrapStorage = (_, inner) => new InterceptingGrainStorage(inner, InterceptingGrainStorage.Delay(_ => WriteDelay));
        options.ConfigureAzureStorage = azure =>
        {
            azure.QueuePollPeriod = TimeSpan.FromMilliseconds(50);
            azure.MessageVisibilityTimeout = VisibilityTimeout;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class StreamRedeliveryDefinition : ICollectionFixture<StreamRedeliveryFixture>
{
    public const string Name = "Stream redelivery";
}

/// <summary>
/// Two silos whose transaction storage takes the faults of <see cref="Faults"/> (held writes included), replaying in batches of
/// <see cref="ReplayBatchSize"/>, for killing the host right after recovery completed (issue 3, scenario 4).
/// </summary>
public sealed class CrashAfterNormalFixture : LedgerClusterFixture
{
    public const int ReplayBatchSize = 2;

    public StorageFaults Faults { get; } = new();

    protected override void Configure(TransactionTestClusterOptions options)
    {
        options.SiloCount = 2;
        options.WrapStorage = (_, inner) => Faults.Wrap(inner);
        options.ConfigureRecovery = recovery =>
        {
            recovery.ReplayBatchSize = ReplayBatchSize;
            recovery.SegmentMaxEntries = 3;
        };
    }
}

[CollectionDefinition(Name)]
public sealed class CrashAfterNormalDefinition : ICollectionFixture<CrashAfterNormalFixture>
{
    public const string Name = "Crash after Normal";
}
