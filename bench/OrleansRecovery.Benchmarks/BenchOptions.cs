using System.Globalization;

namespace OrleansRecovery.Benchmarks;

/// <summary>Command-line options and the sizes of every scenario.</summary>
public sealed class BenchOptions
{
    /// <summary>Scenario names in run order.</summary>
    public static readonly string[] AllScenarios = ["many", "hot", "append", "replay", "stream", "outage", "fleet", "idle"];

    /// <summary>Small sizes for CI.</summary>
    public bool Quick { get; private set; }

    /// <summary>Where to write the flat JSON result, if anywhere.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Scenarios to run.</summary>
    public IReadOnlyList<string> Scenarios { get; private set; } = AllScenarios;

    /// <summary>Run the stream-settings investigation instead of the scenarios.</summary>
    public bool StreamSweep { get; private set; }

    /// <summary>Exit non-zero when a target of issue 5 is missed (not only when a scenario fails).</summary>
    public bool CheckTargets { get; private set; }

    /// <summary>Silos in the cluster.</summary>
    public int Silos { get; private set; } = 1;

    /// <summary>On-disk Azurite data directory; null for in-memory.</summary>
    public string? AzuriteLocation { get; private set; }

    /// <summary>Concurrent client submitters (many, hot).</summary>
    public int Concurrency { get; private set; } = 64;

    /// <summary>many: transactions.</summary>
    public int ManyTransactions { get; private set; } = 1_000;

    /// <summary>fleet: transactions per arm.</summary>
    public int FleetTransactions { get; private set; } = 10_000;

    /// <summary>fleet: messages per transaction.</summary>
    public int FleetMessages { get; private set; } = 10;

    /// <summary>fleet: concurrent callers.</summary>
    public int FleetConcurrency { get; private set; } = 256;

    /// <summary>
    /// fleet: longest one arm gets per round before its rate is taken over the messages it finished (0: none). On Azurite the
    /// default layout and the naive grain write to 10,000 partitions, where single writes measured 50–100/s: at that rate their
    /// 200,000 messages would take 30–60 minutes. Every arm gets the same budget; the batching arm finishes its round well within it.
    /// </summary>
    public TimeSpan? FleetBudget { get; private set; } = TimeSpan.FromSeconds(180);

    /// <summary>fleet: buckets of the batching layout (its default when not given); also the main cluster's with <see cref="Batching"/>.</summary>
    public int? FleetBuckets { get; private set; }

    /// <summary>The main cluster (every scenario but fleet, which runs both layouts anyway) keeps transaction records in the batching layout.</summary>
    public bool Batching { get; private set; }

    /// <summary>many: messages per transaction.</summary>
    public int ManyMessages { get; private set; } = 20;

    /// <summary>hot: messages.</summary>
    public int HotMessages { get; private set; } = 20_000;

    /// <summary>The engine's <c>DedupWindow</c>, when not its default (to measure what the duplicate window costs).</summary>
    public int? DedupWindow { get; private set; }

    /// <summary>The engine's <c>TimelineCapacity</c>, when not its default (0 switches the timeline off, to measure what it costs).</summary>
    public int? TimelineCapacity { get; private set; }

    /// <summary>Rounds per arm of the many scenario (its transactions are split evenly over them).</summary>
    public int ManyRounds { get; private set; } = 6;

    /// <summary>How long the client scenarios warm up before the first timed round.</summary>
    public TimeSpan WarmUp { get; private set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest the naive grain gets per scenario before its rate is taken over what it finished.</summary>
    public TimeSpan NaiveBudget { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>append: depths.</summary>
    public IReadOnlyList<int> AppendDepths { get; private set; } = [100, 1_000, 10_000, 50_000];

    /// <summary>
    /// append: timed appends per depth. 400 (~0.4 s at ~1 ms each) so that one garbage collection or Azurite pause does not
    /// decide the figure: with 50, the same build measured a depth-50,000/100 ratio anywhere from 0.6 to 1.7.
    /// </summary>
    public int AppendSamples { get; private set; } = 400;

    /// <summary>replay: parked messages.</summary>
    public int ReplayDepth { get; private set; } = 10_000;

    /// <summary>stream: single events timed per consumer.</summary>
    public int LatencySamples { get; private set; } = 100;

    /// <summary>stream: sustained events.</summary>
    public int StreamEvents { get; private set; } = 20_000;

    /// <summary>stream: streams (transactions) the sustained events are spread over.</summary>
    public int StreamCount { get; private set; } = 100;

    /// <summary>stream: Azure queues of the provider.</summary>
    public int QueueCount { get; private set; } = 8;

    /// <summary>stream: pulling agent poll period.</summary>
    public TimeSpan PollPeriod { get; private set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>stream: pulling agent BatchContainerBatchSize.</summary>
    public int BatchContainerBatchSize { get; private set; } = 1;

    /// <summary>stream: SimpleQueueCache size per queue (null = Orleans' default, 4,096).</summary>
    public int? CacheSize { get; private set; } = 128;

    /// <summary>stream: the provider's queue message visibility timeout (null = the engine's default).</summary>
    public TimeSpan? VisibilityTimeout { get; private set; }

    /// <summary>stream: producer window, the most events published but not yet consumed (0 = unbounded).</summary>
    public int ProducerWindow { get; private set; } = 1_000;

    /// <summary>stream: events per publish call (OnNextBatchAsync when above 1).</summary>
    public int PublishBatch { get; private set; } = 10;

    /// <summary>
    /// stream: CPU-burning processes beside the contended pass (<c>--contend N</c>; default 2 in a full run, 0 in a quick run;
    /// 0 skips the pass).
    /// </summary>
    public int Contend { get; private set; } = 2;

    /// <summary>idle: distinct transactions touched once, then left idle.</summary>
    public int IdleTransactions { get; private set; } = 100_000;

    /// <summary>
    /// idle: buckets of the idle cluster's batching table. Azurite's range query slows with the entities of a partition, so
    /// 100,000 transactions are spread over more buckets than the default 16.
    /// </summary>
    public int IdleBuckets { get; private set; } = 256;

    /// <summary>idle: the idle cluster's collection age (Orleans' <c>GrainCollectionOptions.CollectionAge</c>).</summary>
    public TimeSpan IdleCollectionAge { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>stream: deadline for the sustained run.</summary>
    public TimeSpan StreamDeadline { get; private set; } = TimeSpan.FromSeconds(240);

    /// <summary>outage: transactions put into recovery by one campaign, then one call at a time.</summary>
    public int OutageTransactions { get; private set; } = 10_000;

    /// <summary>outage: transactions of the scope opened under a stream of normal messages (the switch).</summary>
    public int OutageScopeTransactions { get; private set; } = 256;

    /// <summary>The engine's <c>RegistryShards</c>, when not its default (diagnosis: is the registry the bound?).</summary>
    public int? RegistryShards { get; private set; }

    /// <summary>Write the silo's warnings and errors to the console (diagnosis).</summary>
    public bool LogWarnings { get; private set; }

    /// <summary>Turn the engine's recovery announcements off (diagnosis: what the stream event costs).</summary>
    public bool NoAnnounce { get; private set; }


    /// <summary>Parses the command line.</summary>
    /// <exception cref="ArgumentException">Unknown or malformed option.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new BenchOptions();
        if (args.Contains("--quick"))
        {
            o.Quick = true;
            o.ManyTransactions = 256;
            o.ManyMessages = 4;
            o.HotMessages = 1_000;
            o.ManyRounds = 3;
            o.WarmUp = TimeSpan.FromSeconds(3);
            o.NaiveBudget = TimeSpan.FromSeconds(10);
            o.AppendDepths = [100, 1_000];
            o.AppendSamples = 20;
            o.ReplayDepth = 1_000;
            o.LatencySamples = 15;
            o.StreamEvents = 1_000;
            o.StreamCount = 20;
            o.StreamDeadline = TimeSpan.FromSeconds(90);
            o.Contend = 0;
            o.IdleTransactions = 2_000;
            o.IdleCollectionAge = TimeSpan.FromSeconds(20);
            o.OutageTransactions = 500;
            o.OutageScopeTransactions = 64;
            o.FleetTransactions = 500;
        }

        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--json":
                    o.JsonPath = Next();
                    break;
                case "--only":
                    o.Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (o.Scenarios.Except(AllScenarios).FirstOrDefault() is { } unknown)
                    {
                        throw new ArgumentException($"Unknown scenario '{unknown}'; known: {string.Join(", ", AllScenarios)}.");
                    }

                    break;
                case "--stream-sweep":
                    o.StreamSweep = true;
                    break;
                case "--check-targets":
                    o.CheckTargets = true;
                    break;
                case "--silos":
                    o.Silos = NextInt();
                    break;
                case "--azurite-location":
                    o.AzuriteLocation = Next();
                    break;
                case "--concurrency":
                    o.Concurrency = NextInt();
                    break;
                case "--dedup-window":
                    o.DedupWindow = NextInt();
                    break;
                case "--timeline-capacity":
                    o.TimelineCapacity = NextInt();
                    break;
                case "--many-messages":
                    o.ManyMessages = NextInt();
                    break;
                case "--many-rounds":
                    o.ManyRounds = NextInt();
                    break;
                case "--warm-up-s":
                    o.WarmUp = TimeSpan.FromSeconds(NextInt());
                    break;
                case "--hot-messages":
                    o.HotMessages = NextInt();
                    break;
                case "--replay-depth":
                    o.ReplayDepth = NextInt();
                    break;
                case "--append-depths":
                    o.AppendDepths = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                case "--stream-events":
                    o.StreamEvents = NextInt();
                    break;
                case "--streams":
                    o.StreamCount = NextInt();
                    break;
                case "--queues":
                    o.QueueCount = NextInt();
                    break;
                case "--poll-ms":
                    o.PollPeriod = TimeSpan.FromMilliseconds(NextInt());
                    break;
                case "--batch-container":
                    o.BatchContainerBatchSize = NextInt();
                    break;
                case "--cache":
                    o.CacheSize = NextInt() is > 0 and var size ? size : null;
                    break;
                case "--visibility-s":
                    o.VisibilityTimeout = TimeSpan.FromSeconds(NextInt());
                    break;
                case "--window":
                    o.ProducerWindow = NextInt();
                    break;
                case "--publish-batch":
                    o.PublishBatch = NextInt();
                    break;
                case "--idle-transactions":
                    o.IdleTransactions = NextInt();
                    break;
                case "--idle-buckets":
                    o.IdleBuckets = NextInt();
                    break;
                case "--idle-collection-s":
                    o.IdleCollectionAge = TimeSpan.FromSeconds(NextInt());
                    break;
                case "--contend":
                    o.Contend = NextInt();
                    break;
                case "--stream-deadline-s":
                    o.StreamDeadline = TimeSpan.FromSeconds(NextInt());
                    break;
                case "--outage-transactions":
                    o.OutageTransactions = NextInt();
                    break;
                case "--outage-scope-transactions":
                    o.OutageScopeTransactions = NextInt();
                    break;
                case "--registry-shards":
                    o.RegistryShards = NextInt();
                    break;
                case "--log-warnings":
                    o.LogWarnings = true;
                    break;
                case "--batching":
                    o.Batching = true;
                    break;
                case "--no-announce":
                    o.NoAnnounce = true;
                    break;
                case "--fleet-transactions":
                    o.FleetTransactions = NextInt();
                    break;
                case "--fleet-messages":
                    o.FleetMessages = NextInt();
                    break;
                case "--fleet-concurrency":
                    o.FleetConcurrency = NextInt();
                    break;
                case "--fleet-buckets":
                    o.FleetBuckets = NextInt();
                    break;
                case "--fleet-budget-s":
                    var fleetBudget = NextInt();
                    o.FleetBudget = fleetBudget > 0 ? TimeSpan.FromSeconds(fleetBudget) : null;
                    break;
                case "--naive-budget-s":
                    o.NaiveBudget = TimeSpan.FromSeconds(NextInt());
                    break;
                case "-h" or "--help":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}");
            }
        }

        if (o.IdleTransactions < 1 || o.IdleCollectionAge < TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException("--idle-transactions must be at least 1 and --idle-collection-s at least 10.");
        }

        if (o.Contend < 0)
        {
            throw new ArgumentException("--contend must be 0 (no contended stream pass) or more burning processes.");
        }

        if (o.FleetTransactions < 1 || o.FleetMessages < 1 || o.FleetConcurrency < 1 || o.FleetBuckets is < 1)
        {
            throw new ArgumentException("--fleet-transactions, --fleet-messages, --fleet-concurrency and --fleet-buckets must be at least 1.");
        }

        if (o.OutageTransactions < 1 || o.OutageTransactions > IRecoveryCampaignGrain.MaxMembers || o.OutageScopeTransactions < 1)
        {
            throw new ArgumentException(
                $"--outage-transactions must be 1..{IRecoveryCampaignGrain.MaxMembers} (one campaign) and --outage-scope-transactions at least 1.");
        }

        if (o.ManyRounds < 1 || o.ManyTransactions / o.ManyRounds <= o.Concurrency)
        {
            throw new ArgumentException(
                $"--many-rounds {o.ManyRounds}: it must split the {o.ManyTransactions} many transactions into rounds of more than " +
                $"--concurrency ({o.Concurrency}) transactions each, so no transaction is submitted to twice at once.");
        }

        return o;
    }

    /// <summary>A copy with other stream settings (for the sweep).</summary>
    public BenchOptions WithStream(int queues, TimeSpan poll, int batchContainer, int window, int publishBatch, int? cacheSize)
    {
        var copy = (BenchOptions)MemberwiseClone();
        copy.QueueCount = queues;
        copy.PollPeriod = poll;
        copy.BatchContainerBatchSize = batchContainer;
        copy.ProducerWindow = window;
        copy.PublishBatch = publishBatch;
        copy.CacheSize = cacheSize;
        return copy;
    }

    /// <summary>The help text.</summary>
    public const string Usage = """
        usage: scripts/bench.sh [--quick] [--json PATH] [--only many,hot,append,replay,stream,outage,fleet,idle] [--check-targets]
               [--stream-sweep] [--azurite-location DIR] [--silos N] [--concurrency N] [--many-messages N] [--many-rounds N] [--warm-up-s N] [--dedup-window N] [--timeline-capacity N] [--hot-messages N]
               [--replay-depth N] [--append-depths 100,1000,...] [--stream-events N] [--streams N] [--queues N]
               [--poll-ms N] [--batch-container N] [--cache N (0 = Orleans default 4096)] [--visibility-s N] [--window N (0 = unbounded)] [--publish-batch N]
               [--idle-transactions N] [--idle-buckets N] [--idle-collection-s N]
               [--contend N (CPU-burning processes beside the stream scenario's contended pass; 0 skips it)]
               [--stream-deadline-s N] [--naive-budget-s N] [--outage-transactions N] [--outage-scope-transactions N]
               [--fleet-transactions N] [--fleet-messages N] [--fleet-concurrency N] [--fleet-buckets N] [--fleet-budget-s N] [--batching]
               [--registry-shards N] [--no-announce] [--log-warnings] (engine settings, for diagnosis only)
        """;
}
