using System.Text.Json;

namespace OrleansRecovery.Admin;

/// <summary>What the page needs to know before its first request: where the dashboard is, how often to refresh, who may act.</summary>
/// <param name="DashboardUrl">The Orleans Dashboard's address, or null.</param>
/// <param name="RefreshMilliseconds">How often the page asks again.</param>
/// <param name="CanAct">True when the host's operator policy lets this user act (the page shows its actions only then).</param>
/// <param name="Actor">The identity actions would be recorded under.</param>
/// <param name="OperatorPolicy">True when the host configured an operator policy (false: the page is read-only for everyone).</param>
internal sealed record AdminSettingsView(string? DashboardUrl, int RefreshMilliseconds, bool CanAct, string Actor, bool OperatorPolicy);

/// <summary>The body of <c>POST api/actions/{action}</c>.</summary>
/// <param name="Target">The transaction id, scope name or campaign id acted on.</param>
/// <param name="Reason">Why (required; recorded with the acting identity).</param>
/// <param name="Type">campaign-complete only: the recovery message type sent to every entered member.</param>
/// <param name="Payload">campaign-complete only: that message's payload.</param>
internal sealed record AdminActionRequest(string? Target, string? Reason, string? Type = null, string? Payload = null);

/// <summary>The answer of an action: what was done, to what, by whom, why, when, and the grain's answer.</summary>
/// <param name="Action">The action's name.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Actor">Who did it (the user's name).</param>
/// <param name="Reason">Why, as given.</param>
/// <param name="At">When the server took it.</param>
/// <param name="Outcome">The result in words.</param>
/// <param name="Result">The grain's answer (recovery, status, scope state or campaign progress).</param>
internal sealed record AdminActionView(string Action, string Target, string Actor, string Reason, DateTimeOffset At, string Outcome, object Result);

/// <summary>One answer of <c>api/transactions</c>: the registry's entries and the server's clock, so ages do not depend on the browser's.</summary>
/// <param name="Now">The server's time when the registry answered.</param>
/// <param name="Filter">The filter applied (<c>all</c>, <c>recovering</c>, <c>faulted</c> or <c>stuck</c>).</param>
/// <param name="Entries">Oldest first.</param>
/// <param name="Truncated">True when there were more entries than the page shows.</param>
internal sealed record AdminListView(DateTimeOffset Now, string Filter, IReadOnlyList<RegistryEntry> Entries, bool Truncated);

/// <summary>One answer of <c>api/transaction</c>: the grain's own status and its application data as JSON.</summary>
/// <param name="Now">The server's time when the grain answered.</param>
/// <param name="Status">Mode, recovery, fault, pending depth and age, counters, recent rejections.</param>
/// <param name="Data">The application's data as JSON, or null before any (or when it cannot be shown as JSON).</param>
/// <param name="DataType">The data's .NET type name, or null.</param>
/// <param name="DataError">Why the data cannot be shown, or null.</param>
/// <param name="PendingSeries">Its pending depth over time, derived from its timeline (<see cref="Admin.PendingSeries"/>), oldest first.</param>
internal sealed record AdminTransactionView(DateTimeOffset Now, TransactionStatus Status, JsonElement? Data, string? DataType, string? DataError,
    IReadOnlyList<PendingPoint> PendingSeries);

/// <summary>One answer of <c>api/scopes/{scope}</c>: the scope's stored state and its current (or last) opening's progress.</summary>
/// <param name="Now">The server's time when the scope answered.</param>
/// <param name="Scope">Open or closed, since when, why, and the opening's campaign.</param>
/// <param name="Progress">Recovering, stuck, faulted and replaying counts, rate, oldest and estimate; null if never opened.</param>
internal sealed record AdminScopeView(DateTimeOffset Now, RecoveryScopeState Scope, CampaignProgress? Progress);

/// <summary>One answer of <c>api/campaigns/{id}</c>: the campaign's progress.</summary>
/// <param name="Now">The server's time when the campaign answered.</param>
/// <param name="Progress">Members, entered, counts by state, rate, oldest, stuck list and estimate.</param>
internal sealed record AdminCampaignView(DateTimeOffset Now, CampaignProgress Progress);

/// <summary>One answer of <c>api/pending</c>: a page of the parked messages.</summary>
/// <param name="Now">The server's time when the grain answered.</param>
/// <param name="Page">The page (entries, depth, next position).</param>
internal sealed record AdminPendingView(DateTimeOffset Now, PendingPage Page);

/// <summary>One answer of <c>api/preview</c>: the replay preview, its resulting data as JSON.</summary>
/// <param name="Now">The server's time when the grain answered.</param>
/// <param name="Preview">Per-entry verdicts and the stopping point (its data is in <paramref name="Data"/>).</param>
/// <param name="Data">The resulting data as JSON, or null.</param>
/// <param name="DataError">Why the data cannot be shown, or null.</param>
internal sealed record AdminPreviewView(DateTimeOffset Now, ReplayPreview Preview, JsonElement? Data, string? DataError);

/// <summary>One campaign or scope on the operations panel.</summary>
/// <param name="Kind"><c>campaign</c> or <c>scope</c>.</param>
/// <param name="Name">The campaign id or scope name.</param>
/// <param name="Listed">True when the registry lists members of it now (in progress); false when shown because it was recently.</param>
/// <param name="Scope">A scope's stored state (open or closed, reasons); null for a campaign.</param>
/// <param name="Progress">Its progress as its grain answered; null when it did not (see <paramref name="Error"/>) or a scope never opened.</param>
/// <param name="Error">Why there is no progress, or null.</param>
internal sealed record AdminOperationView(string Kind, string Name, bool Listed, RecoveryScopeState? Scope, CampaignProgress? Progress, string? Error);

/// <summary>One answer of <c>api/operations</c>.</summary>
/// <param name="Now">The server's time.</param>
/// <param name="Operations">Those in progress (listed) first, then those seen recently, most recent first.</param>
internal sealed record AdminOperationsView(DateTimeOffset Now, IReadOnlyList<AdminOperationView> Operations);

/// <summary>One answer of <c>api/history</c>: the cluster chart's samples.</summary>
/// <param name="Now">The server's time.</param>
/// <param name="IntervalMilliseconds">How often a sample is taken.</param>
/// <param name="Capacity">Most samples kept (older ones dropped).</param>
/// <param name="Missed">Samples the registry did not answer since the host started (gaps in time).</param>
/// <param name="Samples">Oldest first; empty after the host restarted until the first sample.</param>
internal sealed record AdminHistoryView(DateTimeOffset Now, int IntervalMilliseconds, int Capacity, long Missed, IReadOnlyList<ClusterSample> Samples);
