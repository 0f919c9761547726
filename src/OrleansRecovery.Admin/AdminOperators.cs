using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRecovery.Admin;

/// <summary>Who is asking, and whether the host's operator policy lets them act (what the page shows or hides).</summary>
internal static class AdminOperators
{
    /// <summary>The acting identity recorded with an action: the user's name, or <c>anonymous</c>.</summary>
    public static string Actor(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    /// <summary>
    /// True when <paramref name="policy"/> is set and the request satisfies it, evaluated as the authorization middleware would
    /// (the policy's own authentication schemes included), so the page shows actions exactly to those the endpoints would let act.
    /// </summary>
    public static async Task<bool> CanActAsync(HttpContext context, string? policy)
    {
        if (policy is null)
        {
            return false;
        }

        var services = context.RequestServices;
        var provider = services.GetService<IAuthorizationPolicyProvider>();
        var evaluator = services.GetService<IPolicyEvaluator>();
        if (provider is null || evaluator is null || await provider.GetPolicyAsync(policy) is not { } required)
        {
            return false;
        }

        var authentication = await evaluator.AuthenticateAsync(required, context);
        var authorization = await evaluator.AuthorizeAsync(required, authentication, context, resource: null);
        return authorization.Succeeded;
    }
}
