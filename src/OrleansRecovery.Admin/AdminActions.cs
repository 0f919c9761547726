using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRecovery.Client;

namespace OrleansRecovery.Admin;

/// <summary>
/// The operators' actions (<c>POST api/actions/{action}</c>): each takes a target and a reason, calls the grain, and records who did
/// it and why — in the log (event 8001), in the answer, and durably with the identity appended: the transaction's timeline (a
/// recovery begun, a retry, a skip), the scope's record (its opening and closing) or the campaign's record (its start and bulk
/// completion). Authorization is the endpoint group's (the host's operator policy).
/// </summary>
internal static class AdminActions
{
    /// <summary>Longest reason an operator may give; the identity is appended, within the engine's 1,024-character limit.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The actions, by route name.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["begin-recovery", "retry", "skip", "scope-open", "scope-close", "campaign-start", "campaign-complete"];

    /// <summary>Runs <paramref name="action"/> for the request's user.</summary>
    public static async Task<IResult> RunAsync(HttpContext context, IGrainFactory grains, RecentOperations recent, string action,
        AdminActionRequest? request)
    {
        var logger = Logger(context);
        var actor = AdminOperators.Actor(context);
        var target = request?.Target?.Trim() ?? "";
        var reason = request?.Reason?.Trim() ?? "";
        var problem = Problem(action, request, target, reason);
        if (problem is not null)
        {
            AdminLog.ActionRefused(logger, actor, action, target, reason, problem);
            return Results.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        // What the grain keeps: the reason with who gave it, so the record answers "who did this and why" without the log.
        var recorded = $"{reason} [by {actor} via admin page]";
        var at = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        try
        {
            object result = action switch
            {
                "begin-recovery" => await grains.GetTransaction(target).BeginRecoveryAsync(recorded).WaitAsync(context.RequestAborted),
                "retry" => await grains.GetTransaction(target).RetryFaultedAsync(recorded).WaitAsync(context.RequestAborted),
                "skip" => await grains.GetTransaction(target).SkipFaultedAsync(recorded).WaitAsync(context.RequestAborted),
                "scope-open" => await grains.GetRecoveryScope(target).OpenAsync(recorded).WaitAsync(context.RequestAborted),
                "scope-close" => await grains.GetRecoveryScope(target).CloseAsync(recorded).WaitAsync(context.RequestAborted),
                "campaign-start" => await grains.GetRecoveryCampaign(target).StartAsync(recorded).WaitAsync(context.RequestAborted),
                _ => await grains.GetRecoveryCampaign(target).CompleteAllAsync(request!.Type!, request.Payload ?? "", recorded)
                    .WaitAsync(context.RequestAborted),
            };
            if (action.StartsWith("scope-", StringComparison.Ordinal) || action.StartsWith("campaign-", StringComparison.Ordinal))
            {
                // On the operations panel at once, before any member is listed (a scope's enter on their next message).
                recent.Note(new OperationKey(action.StartsWith("scope-", StringComparison.Ordinal) ? OperationKey.Scope : OperationKey.Campaign, target));
            }

            var outcome = Outcome(result);
            AdminLog.ActionDone(logger, actor, action, target, reason, outcome);
            return Results.Json(new AdminActionView(action, target, actor, reason, at, outcome, result), AdminApi.Json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // The grain refused (not faulted, no such campaign, a reason too long for it): say so, change nothing.
            AdminLog.ActionRefused(logger, actor, action, target, reason, ex.Message);
            return Results.Problem(detail: $"{action} of '{target}' was refused: {ex.Message}", statusCode: StatusCodes.Status409Conflict);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            AdminLog.ActionRefused(logger, actor, action, target, reason, ex.Message);
            return Results.Problem(detail: $"{action} of '{target}' did not complete: {ex.GetType().Name}: {ex.Message}",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The answer of every action on a page without an operator policy.</summary>
    public static IResult ReadOnly(HttpContext context, string action)
    {
        AdminLog.ReadOnlyRefused(Logger(context), action);
        return Results.Problem(
            detail: "This admin page is read-only: its host configured no operator policy (TransactionAdminOptions.OperatorPolicy). " +
                "Act with recoveryctl, or configure a policy.",
            statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>What is wrong with the request, or null.</summary>
    private static string? Problem(string action, AdminActionRequest? request, string target, string reason)
    {
        if (!Names.Contains(action, StringComparer.Ordinal))
        {
            return $"'{action}' is not an action; use one of: {string.Join(", ", Names)}.";
        }

        if (request is null)
        {
            return "The request needs a JSON body: {\"target\": …, \"reason\": …}.";
        }

        if (target.Length == 0)
        {
            return "target is missing: name the transaction, scope or campaign to act on.";
        }

        var targetProblem = action switch
        {
            "begin-recovery" or "retry" or "skip" => TransactionIds.Problem(target),
            "scope-open" or "scope-close" => RecoveryScopes.Problem(target),
            _ => RecoveryCampaignClientExtensions.CampaignIdProblem(target),
        };
        if (targetProblem is not null)
        {
            return $"target '{target}': {targetProblem}";
        }

        if (reason.Length == 0)
        {
            return "reason is missing: say why (it is recorded with your name).";
        }

        if (reason.Length > MaxReasonLength)
        {
            return $"reason is {reason.Length} characters; the limit is {MaxReasonLength}.";
        }

        if (action == "campaign-complete" && string.IsNullOrWhiteSpace(request.Type))
        {
            return "type is missing: campaign-complete sends one recovery message of this type to every entered member.";
        }

        return null;
    }

    private static string Outcome(object result) => result switch
    {
        RecoveryInfo r => string.Create(CultureInfo.InvariantCulture, $"recovering (recovery {r.RecoveryId}, since {r.Since:u})"),
        TransactionStatus s => string.Create(CultureInfo.InvariantCulture, $"mode {s.Mode}, {s.PendingCount} pending"),
        RecoveryScopeState { IsOpen: true } s => $"scope {s.Scope} open (campaign {s.CampaignId})",
        RecoveryScopeState s => $"scope {s.Scope} closed",
        CampaignProgress p => $"campaign {p.CampaignId}: {p.State}",
        _ => result.ToString() ?? "",
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansRecovery.Admin");
}
