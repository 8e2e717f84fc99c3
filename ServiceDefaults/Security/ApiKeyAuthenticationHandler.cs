using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Authenticates <c>X-Api-Key</c> / <c>Authorization: ApiKey</c> against <see cref="ApiKeyStore"/>; the principal's name is the key id.
/// <para>
/// A plain <see cref="IAuthenticationHandler"/>, not ASP.NET Core's <c>AuthenticationHandler&lt;TOptions&gt;</c>: that base
/// class is built per request with a logger from <c>ILoggerFactory.CreateLogger</c> (a lock on the factory, shared by
/// every request) and an options-monitor lookup, and a profile of the gateway at 16 connections put authentication
/// at as much CPU as the prediction itself. This handler is still per request (it holds the request), but built from
/// the singleton store alone; the principals are the store's, built once per key.
/// </para>
/// </summary>
public sealed class ApiKeyAuthenticationHandler(ApiKeyStore keys) : IAuthenticationHandler
{
    private static readonly AuthenticateResult NoKey = AuthenticateResult.NoResult();
    private static readonly AuthenticateResult UnknownKey = AuthenticateResult.Fail("Unknown API key.");
    private static readonly Task<AuthenticateResult> NoKeyTask = Task.FromResult(NoKey);
    private static readonly Task<AuthenticateResult> UnknownKeyTask = Task.FromResult(UnknownKey);

    private HttpContext? _context;
    private Task<AuthenticateResult>? _result;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    /// <summary>The result is computed once per request (the middleware and an authorization policy may both ask).</summary>
    public Task<AuthenticateResult> AuthenticateAsync() => _result ??= Authenticate(Context);

    private Task<AuthenticateResult> Authenticate(HttpContext context)
    {
        if (keys.AnonymousAllowed) return keys.AnonymousTicket;
        var presented = PresentedKey(context.Request);
        if (presented.IsEmpty) return NoKeyTask;
        return keys.Find(presented) is { } identity ? identity.Ticket : UnknownKeyTask;
    }

    /// <summary>A 401 (the body and WWW-Authenticate come from <see cref="ApiKeyProblemResultHandler"/>).</summary>
    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        Context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        Context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private HttpContext Context => _context ?? throw new InvalidOperationException("The handler was used before InitializeAsync.");

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
