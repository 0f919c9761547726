using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansRecovery.Admin;

/// <summary>
/// Maps the admin page into an ASP.NET Core host whose services hold an Orleans <see cref="IGrainFactory"/> (a silo's web host,
/// or a front-end with an Orleans client). It lists what the recovery registry holds (recovering, faulted, stuck and
/// still-replaying transactions, with pending depth and age) and shows one transaction's status, data, parked messages and a
/// replay preview. It is read-only unless the host names an operator policy (<see cref="TransactionAdminOptions.OperatorPolicy"/>):
/// then users who satisfy it can begin a recovery, retry or skip a held message, open or close a scope and start or complete a
/// campaign from the page, each with a confirmation and a reason recorded with their name.
/// </summary>
/// <remarks>
/// The endpoints have no authentication of their own. Bind the web host to loopback or an operators' network, or require
/// authorization on the returned group (<c>.RequireAuthorization()</c>) as with any ASP.NET Core endpoint.
/// </remarks>
public static class TransactionAdminEndpoints
{
    /// <summary>The default route prefix.</summary>
    public const string DefaultRoutePrefix = "/admin";

    /// <summary>
    /// Maps the page under <paramref name="routePrefix"/>: <c>{prefix}/</c> (the page), <c>{prefix}/api/settings</c>,
    /// <c>{prefix}/api/transactions?state=all|recovering|faulted|stuck</c>, <c>{prefix}/api/transaction?id=ID</c>,
    /// <c>{prefix}/api/pending?id=ID&amp;from=N&amp;take=M</c> (a page of parked messages), <c>{prefix}/api/preview?id=ID&amp;max=N</c>
    /// (the replay preview; writes nothing),
    /// <c>{prefix}/api/scopes/{scope}</c> (a recovery scope's state and progress) and <c>{prefix}/api/campaigns/{id}</c> (a
    /// campaign's progress), <c>{prefix}/api/operations</c> (the campaigns and scopes in progress, with their progress),
    /// <c>{prefix}/api/history</c> (the cluster chart's samples, kept in memory by this host) (JSON), and <c>POST {prefix}/api/actions/{action}</c> (begin-recovery, retry, skip, scope-open,
    /// scope-close, campaign-start, campaign-complete; refused with 403 unless <see cref="TransactionAdminOptions.OperatorPolicy"/> is set).
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="routePrefix">Where the page lives; default <c>/admin</c>.</param>
    /// <param name="configure">Options, e.g. the dashboard link and the refresh interval.</param>
    /// <returns>The route group, to add authorization or other conventions.</returns>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static RouteGroupBuilder MapTransactionRecoveryAdmin(this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string routePrefix = DefaultRoutePrefix, Action<TransactionAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(routePrefix);
        var options = new TransactionAdminOptions();
        configure?.Invoke(options);
        options.Validate();

        var group = endpoints.MapGroup(routePrefix);
        // The page's own links are relative ("admin.js", "api/…"), so it must be addressed with a trailing slash.
        group.MapGet("/", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == false
            ? Results.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}")
            : AdminAssets.Serve("index.html"));
        group.MapGet("/index.html", () => AdminAssets.Serve("index.html"));
        group.MapGet("/admin.js", () => AdminAssets.Serve("admin.js"));
        group.MapGet("/admin.css", () => AdminAssets.Serve("admin.css"));

        var refreshMilliseconds = (int)options.RefreshInterval.TotalMilliseconds;
        // Two parameters, so that this is a minimal-API handler: a lambda of HttpContext alone returning Task<IResult> binds to
        // MapGet's RequestDelegate overload, which discards the result and answers an empty 200.
        group.MapGet("/api/settings", async (HttpContext context, ClaimsPrincipal _) => Results.Json(new AdminSettingsView(options.DashboardUrl,
            refreshMilliseconds, await AdminOperators.CanActAsync(context, options.OperatorPolicy), AdminOperators.Actor(context),
            options.OperatorPolicy is not null), AdminApi.Json));
        group.MapGet("/api/transactions", (HttpContext context, IGrainFactory grains, string? state) =>
            AdminApi.ListAsync(context, grains, state, options.MaxEntries));
        group.MapGet("/api/transaction", (HttpContext context, IGrainFactory grains, string? id) =>
            AdminApi.DetailAsync(context, grains, id));
        group.MapGet("/api/pending", (HttpContext context, IGrainFactory grains, string? id, long? from, int? take) =>
            AdminApi.PendingAsync(context, grains, id, from, take));
        group.MapGet("/api/preview", (HttpContext context, IGrainFactory grains, string? id, int? max) =>
            AdminApi.PreviewAsync(context, grains, id, max));
        group.MapGet("/api/scopes/{scope}", (HttpContext context, IGrainFactory grains, string scope) =>
            AdminApi.ScopeAsync(context, grains, scope));
        group.MapGet("/api/campaigns/{id}", (HttpContext context, IGrainFactory grains, string id) =>
            AdminApi.CampaignAsync(context, grains, id));
        var history = new ClusterHistory(options.HistoryCapacity, options.RefreshInterval);
        history.Start(endpoints.ServiceProvider);
        var recent = new RecentOperations(options.OperationsShown);
        group.MapGet("/api/history", (HttpContext context, ClaimsPrincipal _) => AdminApi.History(context, history));
        group.MapGet("/api/operations", (HttpContext context, IGrainFactory grains) =>
            AdminOperations.ListAsync(context, grains, recent, options.OperationsShown));
        // Operators' actions: POST with a JSON body (a cross-site form cannot send one without CORS), behind the host's policy.
        var actions = group.MapGroup("/api/actions");
        if (options.OperatorPolicy is { } policy)
        {
            actions.MapPost("/{action}", (HttpContext context, IGrainFactory grains, string action, AdminActionRequest? request) =>
                AdminActions.RunAsync(context, grains, recent, action, request)).RequireAuthorization(policy);
        }
        else
        {
            actions.MapPost("/{action}", (HttpContext context, string action) => AdminActions.ReadOnly(context, action));
        }

        return group;
    }
}
