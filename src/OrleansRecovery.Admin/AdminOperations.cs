using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansRecovery.Client;

namespace OrleansRecovery.Admin;

/// <summary>
/// <c>api/operations</c>: the campaigns and scopes in progress with their progress, for the page's progress bars. Which ones is
/// derived, not stored: those the recovery registry lists members of now (it converges with storage after a crash), then those
/// this host saw or acted on recently (<see cref="RecentOperations"/>, bounded, in memory). Each one's figures are its own
/// grain's answer, read at the time of asking.
/// </summary>
internal static class AdminOperations
{
    /// <summary>Answers the panel's poll.</summary>
    public static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, RecentOperations recent, int shown)
    {
        IReadOnlyList<RegistryCampaignCounts> listed;
        try
        {
            listed = await grains.GetGrain<IRecoveryRegistryGrain>(0).CountByCampaignAsync(shown).WaitAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return Results.Problem(detail: $"The recovery registry did not answer: {ex.GetType().Name}: {ex.Message}",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var active = listed.Select(c => c.Scope is { } scope ? new OperationKey(OperationKey.Scope, scope) : new OperationKey(OperationKey.Campaign, c.CampaignId))
            .Distinct().ToList();
        // Noted oldest last, so the ring's order is the registry's; what left the registry stays, as Done, until pushed out.
        for (var i = active.Count - 1; i >= 0; i--)
        {
            recent.Note(active[i]);
        }

        var keys = active.Concat(recent.Snapshot().Except(active)).Take(shown).ToList();
        var views = await Task.WhenAll(keys.Select(k => ReadAsync(grains, k, active.Contains(k), context.RequestAborted)));
        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        return Results.Json(new AdminOperationsView(now, views), AdminApi.Json);
    }

    private static async Task<AdminOperationView> ReadAsync(IGrainFactory grains, OperationKey key, bool listed, CancellationToken aborted)
    {
        try
        {
            if (key.Kind == OperationKey.Scope)
            {
                var scope = grains.GetRecoveryScope(key.Name);
                var state = await scope.GetStateAsync().WaitAsync(aborted);
                var progress = await scope.GetProgressAsync().WaitAsync(aborted);
                return new AdminOperationView(key.Kind, key.Name, listed, state, progress, null);
            }

            return new AdminOperationView(key.Kind, key.Name, listed, null,
                await grains.GetRecoveryCampaign(key.Name).GetProgressAsync().WaitAsync(aborted), null);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            // One campaign not answering (or not existing: a name an operator mistyped) must not hide the others.
            return new AdminOperationView(key.Kind, key.Name, listed, null, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
