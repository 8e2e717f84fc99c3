using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Consumer authentication by API key. Keys and their roles come from configuration
/// (<c>Auth:Keys:&lt;key&gt;=&lt;role&gt;[,&lt;role&gt;]</c>, e.g. the environment variable <c>Auth__Keys__s3cr3t=consumer</c>;
/// in production from a secret store). A request presents its key in <c>X-Api-Key</c> or as
/// <c>Authorization: ApiKey &lt;key&gt;</c>. Roles: <see cref="Consumer"/> (predict), <see cref="Producer"/> (upload),
/// <see cref="Operator"/> (accepted wherever any role is required).
/// <para>
/// When no key is configured, authentication is OFF and every request passes: that keeps local runs and tests
/// that configure nothing working. Configure at least one key in any shared environment.
/// </para>
/// Usage: <c>app.MapPost("/x", handler).RequireApiKeyRole(ApiKeys.Consumer)</c>. A missing or unknown key is a 401
/// problem, a known key without the role a 403 problem.
/// </summary>
public static class ApiKeys
{
    public const string Consumer = "consumer";
    public const string Producer = "producer";
    public const string Operator = "operator";
    public const string HeaderName = "X-Api-Key";
    public const string ConfigurationSection = "Auth:Keys";

    public static TBuilder AddApiKeys<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(services => new ApiKeyStore(
            services.GetRequiredService<IConfiguration>(), services.GetRequiredService<ILogger<ApiKeyStore>>()));
        return builder;
    }

    /// <summary>Only requests whose key has one of <paramref name="roles"/> (or <see cref="Operator"/>) reach the endpoint.</summary>
    public static TBuilder RequireApiKeyRole<TBuilder>(this TBuilder endpoint, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfZero(roles.Length);
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
            var check = store.Check(context.HttpContext.Request, roles);
            if (check == ApiKeyCheck.Allowed) return await next(context);
            if (check == ApiKeyCheck.Unauthenticated)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey header=\"" + HeaderName + "\"";
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                    detail: $"Send a valid key in the {HeaderName} header (or 'Authorization: ApiKey <key>').");
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Role required",
                detail: $"This key lacks the role this endpoint needs: {string.Join(" or ", roles)}.");
        });
        return endpoint;
    }
}

public enum ApiKeyCheck
{
    Allowed,
    Unauthenticated,
    Forbidden,
}

/// <summary>
/// The configured keys, held as SHA-256 hashes: a lookup by hash does not leak, through its timing, how much of a
/// guessed key matched. Re-read when configuration reloads (rotating a key needs no restart).
/// </summary>
public sealed class ApiKeyStore
{
    private volatile FrozenDictionary<string, string[]> _rolesByKeyHash = FrozenDictionary<string, string[]>.Empty;

    public ApiKeyStore(IConfiguration configuration, ILogger<ApiKeyStore> logger)
    {
        var section = configuration.GetSection(ApiKeys.ConfigurationSection);
        Load(section);
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(section.GetReloadToken, () => Load(section));
        if (!Enabled)
            logger.LogWarning("No API keys configured ({Section}): API key authentication is off", ApiKeys.ConfigurationSection);
    }

    public bool Enabled => _rolesByKeyHash.Count > 0;

    public ApiKeyCheck Check(HttpRequest request, IReadOnlyList<string> roles)
    {
        var keys = _rolesByKeyHash;
        if (keys.Count == 0) return ApiKeyCheck.Allowed;
        var presented = PresentedKey(request);
        if (presented.IsEmpty || !keys.TryGetValue(Hash(presented), out var granted)) return ApiKeyCheck.Unauthenticated;
        foreach (var role in granted)
            if (role == ApiKeys.Operator || roles.Contains(role, StringComparer.Ordinal)) return ApiKeyCheck.Allowed;
        return ApiKeyCheck.Forbidden;
    }

    private void Load(IConfigurationSection section) =>
        _rolesByKeyHash = section.GetChildren()
            .Where(child => !string.IsNullOrWhiteSpace(child.Key) && !string.IsNullOrWhiteSpace(child.Value))
            .ToFrozenDictionary(
                child => Hash(child.Key.AsSpan()),
                child => child.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToLowerInvariant()).ToArray(),
                StringComparer.Ordinal);

    private static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(ApiKeys.HeaderName, out var header) && header.Count > 0) return header[0].AsSpan().Trim();
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } value && value.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
            return value.AsSpan(7).Trim();
        return default;
    }

    private static string Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return Convert.ToHexString(hash);
    }
}
