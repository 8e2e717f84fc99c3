using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Security;

/// <summary>Turns the authorization middleware's challenge (401) and forbid (403) into RFC 9457 problems.</summary>
public sealed class ApiKeyProblemResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = $"{ApiKeys.Scheme} header=\"{ApiKeys.HeaderName}\"";
            return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key required",
                $"Send a valid key in the {ApiKeys.HeaderName} header (or 'Authorization: ApiKey <key>').");
        }

        if (authorizeResult.Forbidden)
        {
            var roles = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRoleMetadata>()?.Roles ?? [];
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Role required",
                $"This key lacks the role this endpoint needs: {string.Join(" or ", roles.Append(ApiKeys.Operator).Distinct())}.");
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
