using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Hosting;

/// <summary>
/// Every tuning knob of the engine, bound from the <see cref="SectionName"/> configuration section. Each is validated at start;
/// an invalid value stops the silo with a message naming the setting.
/// </summary>
public sealed class TransactionRecoveryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRecovery";

    /// <summary>The default name of the grain storage holding transaction records.</summary>
    public const string DefaultStorageProviderName = "transactions";

    /// <summary>
    /// Name of the <c>IGrainStorage</c> provider holding each transaction's header and pending-log segments.
    /// Default <c>transactions</c>. Use a provider with the Orleans binary serializer (see <c>UseTransactionRecoveryAzureStorage</c>).
    /// </summary>
    public string StorageProviderName { get; set; } = DefaultStorageProviderName;

    /// <summary>
    /// Name of the stream provider for inbound messages and recovery announcements. Default <see cref="TransactionStreams.ProviderName"/>.
    /// </summary>
    public string StreamProviderName { get; set; } = TransactionStreams.ProviderName;

    /// <summary>
    /// Publish a <see cref="RecoveryRequested"/> event when a transaction enters recovery. Default true; needs the stream provider.
    /// </summary>
    public bool AnnounceRecoveries { get; set; } = true;

    /// <summary>
    /// Message ids remembered per transaction for duplicate detection, besides every pending one (P7). Default 1,000.
    /// Each costs 8 bytes in every header write; a redelivery older than this many admissions is not recognised.
    /// </summary>
    public int DedupWindow { get; set; } = 1_000;

    /// <summary>Longest message id, in characters. Default 128.</summary>
    public int MaxMessageIdLength { get; set; } = 128;

    /// <summary>Longest message type name, in characters. Default 128.</summary>
    public int MaxTypeLength { get; set; } = 128;

    /// <summary>Largest payload, in UTF-8 bytes. Default 65,536. Must fit a segment (<see cref="SegmentMaxBytes"/>).</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Most messages in one <c>SubmitBatchAsync</c>. Default 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Most pending entries per transaction; beyond it normal messages are rejected (backpressure). Default 100,000.</summary>
    public long MaxPendingEntries { get; set; } = 100_000;

    /// <summary>Most pending bytes per transaction (estimated); beyond it normal messages are rejected. Default 256 MiB.</summary>
    public long MaxPendingBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Most entries per pending-log segment record. Default 128. An append rewrites one segment, so smaller segments make
    /// appends cheaper and activation reads more numerous.
    /// </summary>
    public int SegmentMaxEntries { get; set; } = 128;

    /// <summary>
    /// Most bytes (estimated) per segment record. Default 262,144; at most 786,432 so a segment stays under the Azure Table
    /// provider's 983,040-byte record limit.
    /// </summary>
    public int SegmentMaxBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Most messages decided together by group commit: concurrent submissions to one transaction that wait while a write is in
    /// flight share the next write. Default 1,000.
    /// </summary>
    public int GroupCommitMaxMessages { get; set; } = 1_000;

    /// <summary>Parked entries applied per replay step; each step is one header write. Default 256.</summary>
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>Rejected messages kept per transaction for operators. Default 50.</summary>
    public int RejectionHistory { get; set; } = 50;

    /// <summary>
    /// Entries each transaction's timeline keeps (recovery begun and by whom, parked counts, recovery messages, completion, replay,
    /// faults, retries, skips), oldest dropped first. Default 32, 0–256; 0 switches it off. Kept in the header record and written
    /// only with header writes that happen anyway; a healthy transaction records nothing, so its header does not grow.
    /// </summary>
    public int TimelineCapacity { get; set; } = 32;

    /// <summary>
    /// A recovery not completed within this time is stuck: flagged in status, registry, metrics and logs, and its
    /// <see cref="RecoveryRequested"/> event is published again (then every RegistryReconcileInterval while it stays stuck). Default 10 minutes.
    /// </summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Number of registry shards. All silos of a cluster must agree. Default 16.</summary>
    public int RegistryShards { get; set; } = 16;

    /// <summary>
    /// Least time between two reports of an unhealthy transaction to the registry (pending depth refresh); mode changes report
    /// at once. Default 5 s.
    /// </summary>
    public TimeSpan RegistryReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between replay steps, letting other calls interleave. Default 1 ms.</summary>
    public TimeSpan ReplayStepInterval { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// First pause after a failed replay step (e.g. storage unavailable); doubles with each consecutive failure. Default 100 ms.
    /// </summary>
    public TimeSpan ReplayRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest pause between retries of a failing replay step. Default 30 s.</summary>
    public TimeSpan ReplayRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times the engine applies a poison message (one whose logic throws) before it waits for an operator to retry or
    /// skip it. Default 3. Later normal messages are parked meanwhile, so nothing is lost and order is kept.
    /// </summary>
    public int PoisonMaxAttempts { get; set; } = 3;

    /// <summary>Pause before the first automatic retry of a poison message; doubles with each attempt. Default 1 s.</summary>
    public TimeSpan PoisonRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often each silo re-reads the state of the recovery scopes its transactions use. Default 500 ms. It bounds how soon an
    /// opened scope takes effect on every silo (see <see cref="ScopeLease"/>), at one small read per scope per silo per interval.
    /// </summary>
    public TimeSpan ScopeRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a silo may act on a scope state it read: past this, a scope it could not re-read is unknown, and its transactions
    /// park rather than apply (P11). Opening a scope waits this long before it is acknowledged, so that after the acknowledgement no
    /// silo acts on the scope as closed. Default 2 s; at least twice <see cref="ScopeRefreshInterval"/>. All silos must agree.
    /// </summary>
    public TimeSpan ScopeLease { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Most members a campaign puts into recovery (or completes) at once: a sliding window, each finished call making room for the
    /// next. Default 256. The window narrows (to 8 at least) while member calls take over 5 s — storage cannot keep up, and more
    /// calls would only wait longer — and widens back as they speed up. A campaign resumed after a crash repeats at most the
    /// members between its stored cursor and the window's front (at most 16 times this), and none of them is put in twice.
    /// </summary>
    public int CampaignConcurrency { get; set; } = 256;

    /// <summary>The limits the state machine enforces.</summary>
    internal RecoveryLimits ToLimits() => new()
    {
        DedupWindow = DedupWindow,
        MaxMessageIdLength = MaxMessageIdLength,
        MaxTypeLength = MaxTypeLength,
        MaxPayloadBytes = MaxPayloadBytes,
        MaxBatchSize = MaxBatchSize,
        MaxPendingEntries = MaxPendingEntries,
        MaxPendingBytes = MaxPendingBytes,
        SegmentMaxEntries = SegmentMaxEntries,
        SegmentMaxBytes = SegmentMaxBytes,
        ReplayBatchSize = ReplayBatchSize,
        RejectionHistory = RejectionHistory,
        TimelineCapacity = TimelineCapacity,
    };

    /// <summary>
    /// How often each registry shard reconciles entries that no report refreshed for a while with the transactions' stored
    /// records (removing entries of healthy transactions, fixing modes, waking a transaction whose replay was cut off, whose
    /// held message is due an automatic retry or whose recovery is stuck), so the registry converges after a crash without traffic;
    /// this replaces a reminder per unhealthy transaction. Default 30 s. See README "recovery registry" for the bound.
    /// </summary>
    public TimeSpan RegistryReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
}
