using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// The authorization middleware's policy evaluator, with a fast path for the platform's own policies: a request whose
/// key authenticated and holds one of the required roles is authorized here, without building an authorization context,
/// resolving the handlers and allocating a result per request (what the framework's evaluator does). Anything else
/// (no key, a missing role, a policy with other requirements or naming schemes) goes to the framework's
/// <see cref="PolicyEvaluator"/>, so every refusal, and its 401/403 problem, is exactly the framework's.
/// <para>
/// Measured on the predict path (perf, 16 connections): authorization was about 5% of a single-row request's CPU,
/// as much as authenticating the key. The cost of the fast path: successful checks are not counted in ASP.NET Core's
/// <c>aspnetcore.authorization.attempts</c> metric (refusals still are).
/// </para>
/// </summary>
public sealed class ApiKeyPolicyEvaluator : IPolicyEvaluator
{
    private static readonly PolicyAuthorizationResult Success = PolicyAuthorizationResult.Success();
    private static readonly Task<PolicyAuthorizationResult> SuccessTask = Task.FromResult(Success);

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context)
    {
        // No scheme named on the policy: the framework answers from context.User with a new ticket per request; the
        // authentication middleware's own result (for an API key, the store's ticket, built once per key) says the same.
        if (policy.AuthenticationSchemes.Count == 0
            && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result
            && ReferenceEquals(result.Principal, context.User))
            return Task.FromResult(result);
        return Framework(context).AuthenticateAsync(policy, context);
    }

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        Grants(policy, context.User) ? SuccessTask : Framework(context).AuthorizeAsync(policy, authenticationResult, context, resource);

    /// <summary>True only when every requirement is an authenticated user or a role this principal has.</summary>
    public static bool Grants(AuthorizationPolicy policy, System.Security.Claims.ClaimsPrincipal? user)
    {
        // A policy without requirements fails in the framework's evaluator (nothing succeeded): left to it.
        if (user?.Identity is not { IsAuthenticated: true } || policy.Requirements.Count == 0) return false;
        foreach (var requirement in policy.Requirements)
        {
            switch (requirement)
            {
                case DenyAnonymousAuthorizationRequirement:
                    continue;
                case RolesAuthorizationRequirement roles when HasAny(user, roles.AllowedRoles):
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool HasAny(System.Security.Claims.ClaimsPrincipal user, IEnumerable<string> roles)
    {
        foreach (var role in roles)
            if (user.IsInRole(role)) return true;
        return false;
    }

    /// <summary>The framework's evaluator, over this request's authorization service (built per request, as the framework does).</summary>
    private static PolicyEvaluator Framework(HttpContext context) => new(context.RequestServices.GetRequiredService<IAuthorizationService>());
}
