using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Security;

/// <summary>Authenticates <c>X-Api-Key</c> / <c>Authorization: ApiKey</c> against <see cref="ApiKeyStore"/>; the principal's name is the key id.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());
    private static readonly Task<AuthenticateResult> UnknownKey = Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
    private static readonly Task<AuthenticateResult> AnonymousResult =
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ApiKeyStore.Anonymous.Principal, ApiKeys.Scheme)));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.AnonymousAllowed) return AnonymousResult;
        var presented = PresentedKey(Request);
        if (presented.IsEmpty) return NoKey;
        var identity = keys.Find(presented);
        return identity is null ? UnknownKey : Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(identity.Principal, ApiKeys.Scheme)));
    }

    public static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(ApiKeys.HeaderName, out var header) && header.Count > 0 && header[0] is { } value)
            return value.AsSpan().Trim();
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } auth && auth.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
            return auth.AsSpan(7).Trim();
        return default;
    }
}
