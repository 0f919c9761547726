using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;
using OrleansRecovery.Admin;

namespace OrleansRecovery.Silo;

/// <summary>The operator pages of a web host (a silo's, or the stand-alone web host's): dashboard, admin page, and <c>/</c>.</summary>
public static class SiloWebEndpoints
{
    /// <summary>
    /// Maps the Orleans Dashboard at <c>Web:DashboardPath</c>, the admin page at <c>Web:AdminPath</c> (linking the dashboard) and
    /// <c>/</c> to the admin page. The host must have registered the dashboard (<c>AddDashboard</c> on its silo or client builder).
    /// </summary>
    public static void MapOperatorPages(this IEndpointRouteBuilder endpoints, SiloWebOptions web)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(web);
        endpoints.MapOrleansDashboard(routePrefix: web.DashboardPath.TrimEnd('/'));
        var adminPath = web.AdminPath.TrimEnd('/');
        endpoints.MapTransactionRecoveryAdmin(adminPath, o =>
        {
            o.DashboardUrl = web.DashboardPath.TrimEnd('/') + "/";
            o.RefreshInterval = web.RefreshInterval;
            o.HistoryCapacity = web.HistoryCapacity;
            o.OperationsShown = web.OperationsShown;
        });
        var admin = adminPath + "/";
        endpoints.MapGet("/", () => Results.Redirect(admin));
    }
}
