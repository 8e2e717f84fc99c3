using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Security;

namespace Platform.ServiceDefaults;

/// <summary>
/// Authentication by named API keys, and the roles every endpoint needs. Keys come from configuration:
/// <c>Auth:Keys:&lt;id&gt;:Hash</c> (lower-case hex SHA-256 of the key; production) or <c>Auth:Keys:&lt;id&gt;:Key</c> (the
/// plain key; development and tests), and <c>Auth:Keys:&lt;id&gt;:Roles</c> (comma-separated). Two ids with the same roles
/// rotate a key without downtime. A request presents its key in <c>X-Api-Key</c> or as <c>Authorization: ApiKey &lt;key&gt;</c>.
/// <para>
/// Fail closed: every endpoint needs a key (any role reads metadata) unless it is marked <c>AllowAnonymous()</c> (the
/// probes, the OpenAPI document). A service with no key configured refuses to start, unless <c>Auth:AllowAnonymous=true</c>
/// (an explicit development switch: then every request passes as the key id <c>anonymous</c> with every role).
/// </para>
/// Usage: <c>app.MapPost("/x", handler).RequireApiKeyRole(ApiKeys.Consumer)</c>. A missing or unknown key is a 401
/// problem, a known key without the role a 403 problem; <see cref="Operator"/> passes everywhere.
/// </summary>
public static class ApiKeys
{
    public const string Producer = "producer";
    public const string Consumer = "consumer";
    public const string Labeler = "labeler";
    public const string Reader = "reader";
    public const string Operator = "operator";
    public static readonly IReadOnlyList<string> AllRoles = [Producer, Consumer, Labeler, Reader, Operator];

    public const string HeaderName = "X-Api-Key";
    public const string ConfigurationSection = "Auth:Keys";
    public const string AllowAnonymousSetting = "Auth:AllowAnonymous";
    public const string Scheme = "ApiKey";

    /// <summary>The key id of a request when the development switch lets anonymous requests in.</summary>
    public const string AnonymousId = "anonymous";

    public static TBuilder AddApiKeys<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Every module may call this (the embedded default composes five): register once.
        if (builder.Services.Any(d => d.ServiceType == typeof(ApiKeyStore))) return builder;
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHostedService<ApiKeyStartupCheck>();
        // The one scheme is the default: the authentication middleware authenticates every request with it, and the
        // policies below name no scheme, so authorization reads that result instead of authenticating again and merging
        // a new principal per request (what a policy naming a scheme costs).
        builder.Services.AddTransient<ApiKeyAuthenticationHandler>();
        builder.Services.AddAuthentication(options =>
        {
            options.DefaultScheme = Scheme;
            options.AddScheme<ApiKeyAuthenticationHandler>(Scheme, null);
        });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiKeyProblemResultHandler>();
        // Replaces the framework's evaluator (registered by AddAuthorization above, per request): its fast path grants
        // an authenticated key its roles without building an authorization context; refusals stay the framework's.
        builder.Services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, ApiKeyPolicyEvaluator>());
        return builder;
    }

    /// <summary>
    /// Only requests whose key has one of <paramref name="roles"/> (or <see cref="Operator"/>) reach the endpoint;
    /// <see cref="Reader"/> admits every key.
    /// </summary>
    public static TBuilder RequireApiKeyRole<TBuilder>(this TBuilder endpoint, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfZero(roles.Length);
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser();
        if (!roles.Contains(Reader)) policy.RequireRole([.. roles, Operator]);
        endpoint.RequireAuthorization(policy.Build());
        endpoint.WithMetadata(new ApiKeyRoleMetadata(roles));
        return endpoint;
    }

    /// <summary>The id of the key that authenticated this request (never the key), for audits; null when none did.</summary>
    public static string? ApiKeyId(this HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } id } ? id : null;
}

/// <summary>The roles an endpoint needs (for the 403 problem and the OpenAPI document).</summary>
public sealed record ApiKeyRoleMetadata(IReadOnlyList<string> Roles);
