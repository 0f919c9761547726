using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansRecovery.Client;

namespace OrleansRecovery.Admin;

/// <summary>The page's JSON endpoints: thin reads of the recovery registry and of one transaction grain.</summary>
internal static class AdminApi
{
    /// <summary>camelCase, enums by name: what the page's script reads.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly string[] Filters = ["all", "recovering", "faulted", "stuck"];

    /// <summary><c>api/transactions?state=…</c>: the registry's entries, oldest first.</summary>
    public static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, string? state, int limit)
    {
        var filter = string.IsNullOrWhiteSpace(state) ? "all" : state.Trim().ToLowerInvariant();
        var query = filter switch
        {
            "all" => new RegistryQuery { Limit = limit + 1 },
            "recovering" => new RegistryQuery { Mode = TransactionMode.Recovering, Limit = limit + 1 },
            "faulted" => new RegistryQuery { Mode = TransactionMode.Faulted, Limit = limit + 1 },
            "stuck" => new RegistryQuery { StuckOnly = true, Limit = limit + 1 },
            _ => null,
        };
        if (query is null)
        {
            return Problem(StatusCodes.Status400BadRequest, $"state '{state}' is not a filter; use one of: {string.Join(", ", Filters)}.");
        }

        try
        {
            var entries = await grains.ListTransactionsAsync(query).WaitAsync(context.RequestAborted);
            var shown = entries.Count > limit ? entries.Take(limit).ToList() : entries;
            return Results.Json(new AdminListView(Now(context), filter, shown, entries.Count > limit), Json);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The recovery registry did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary><c>api/transaction?id=…</c>: one transaction's status and data.</summary>
    public static async Task<IResult> DetailAsync(HttpContext context, IGrainFactory grains, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return Problem(StatusCodes.Status400BadRequest, "id is missing: ask for api/transaction?id=TRANSACTION.");
        }

        if (TransactionIds.Problem(id) is { } problem)
        {
            // Never activate a grain under a key the engine refuses: the answer names what is wrong with it instead.
            return Problem(StatusCodes.Status400BadRequest, problem);
        }

        try
        {
            var grain = grains.GetTransaction(id);
            var status = await grain.GetStatusAsync().WaitAsync(context.RequestAborted);
            var data = await grain.GetDataAsync().WaitAsync(context.RequestAborted);
            var (json, error) = ToJson(data);
            var now = Now(context);
            var series = PendingSeries.From(status.Timeline, status.PendingCount, status.Counters.Queued, now);
            return Results.Json(new AdminTransactionView(now, status, json, data?.GetType().FullName, error, series), Json);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"Transaction '{id}' did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary><c>api/pending?id=…&amp;from=N&amp;take=M</c>: one page of a transaction's parked messages.</summary>
    public static async Task<IResult> PendingAsync(HttpContext context, IGrainFactory grains, string? id, long? from, int? take)
    {
        if (TransactionProblem(id) is { } bad)
        {
            return bad;
        }

        var (first, most) = (from ?? 0, take ?? 50);
        try
        {
            PendingPage.Validate(first, most);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, ex.Message.Split(" (Parameter", 2)[0]);
        }

        try
        {
            var page = await grains.GetTransaction(id!).GetPendingAsync(first, most).WaitAsync(context.RequestAborted);
            return Results.Json(new AdminPendingView(Now(context), page), Json);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"Transaction '{id}' did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary><c>api/preview?id=…&amp;max=N</c>: what replay would do now with the parked messages; nothing is written.</summary>
    public static async Task<IResult> PreviewAsync(HttpContext context, IGrainFactory grains, string? id, int? max)
    {
        if (TransactionProblem(id) is { } bad)
        {
            return bad;
        }

        var most = max ?? 1_000;
        try
        {
            ReplayPreview.Validate(most);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, ex.Message.Split(" (Parameter", 2)[0]);
        }

        try
        {
            var preview = await grains.GetTransaction(id!).PreviewReplayAsync(most).WaitAsync(context.RequestAborted);
            var (json, error) = ToJson(preview.ResultingData);
            return Results.Json(new AdminPreviewView(Now(context), preview with { ResultingData = null }, json, error), Json);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"Transaction '{id}' did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The 400 answer for a missing or unusable transaction id, or null when it is usable.</summary>
    private static IResult? TransactionProblem(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return Problem(StatusCodes.Status400BadRequest, "id is missing: name the transaction with ?id=TRANSACTION.");
        }

        // Never activate a grain under a key the engine refuses: the answer names what is wrong with it instead.
        return TransactionIds.Problem(id) is { } problem ? Problem(StatusCodes.Status400BadRequest, problem) : null;
    }

    /// <summary><c>api/scopes/{scope}</c>: a recovery scope's state and its current (or last) opening's progress.</summary>
    public static async Task<IResult> ScopeAsync(HttpContext context, IGrainFactory grains, string scope)
    {
        if (RecoveryScopes.Problem(scope) is { } problem)
        {
            return Problem(StatusCodes.Status400BadRequest, problem);
        }

        try
        {
            var grain = grains.GetRecoveryScope(scope);
            var state = await grain.GetStateAsync().WaitAsync(context.RequestAborted);
            var progress = await grain.GetProgressAsync().WaitAsync(context.RequestAborted);
            return Results.Json(new AdminScopeView(Now(context), state, progress), Json);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"Scope '{scope}' did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary><c>api/campaigns/{id}</c>: a recovery campaign's progress; 404 when there is no such campaign.</summary>
    public static async Task<IResult> CampaignAsync(HttpContext context, IGrainFactory grains, string id)
    {
        if (RecoveryCampaignClientExtensions.CampaignIdProblem(id) is { } problem)
        {
            return Problem(StatusCodes.Status400BadRequest, problem);
        }

        try
        {
            var progress = await grains.GetRecoveryCampaign(id).GetProgressAsync().WaitAsync(context.RequestAborted);
            return Results.Json(new AdminCampaignView(Now(context), progress), Json);
        }
        catch (InvalidOperationException ex)
        {
            // The grain says the campaign does not exist (create it first).
            return Problem(StatusCodes.Status404NotFound, ex.Message);
        }
        catch (Exception ex) when (IsClusterTrouble(ex))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"Campaign '{id}' did not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary><c>api/history</c>: the cluster chart's samples (in memory, since the host started).</summary>
    public static IResult History(HttpContext context, ClusterHistory history) =>
        Results.Json(new AdminHistoryView(Now(context), (int)history.Interval.TotalMilliseconds, history.Capacity, history.Missed, history.Samples), Json);

    private static (JsonElement? Json, string? Error) ToJson(object? data)
    {
        if (data is null)
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.SerializeToElement(data, data.GetType(), Json), null);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            // The application's type is its own business; show why it cannot be shown rather than failing the whole page.
            return (null, $"{data.GetType().FullName} cannot be shown as JSON: {ex.Message}");
        }
    }

    private static bool IsClusterTrouble(Exception ex) => ex is OrleansException or TimeoutException;

    private static DateTimeOffset Now(HttpContext context) =>
        (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
