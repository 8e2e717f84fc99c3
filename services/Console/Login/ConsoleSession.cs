using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Platform.OperatorConsole.Login;

/// <summary>
/// The logged-in user of one request: the API key from the login cookie. The console holds no key of its own; every
/// call it makes to a service carries this one, so the services decide what the user may see and do.
/// </summary>
public sealed class ConsoleSession(IHttpContextAccessor http, LoginCookie cookie)
{
    private string? _key;

    /// <summary>The key, or null when the request carries no valid login cookie.</summary>
    public string? Key => _key ??= http.HttpContext is { } context ? cookie.Read(context) : null;

    /// <summary>
    /// An interactive part's circuit has no request and no cookie (the cookie's path is /console, the circuit's hub is
    /// /_blazor): it gets the key its page was rendered with, from the page's protected component state.
    /// </summary>
    public void UseCircuitKey(string key) => _key = key;
}

/// <summary>The login cookie: the API key, data-protected with an expiry, HttpOnly, SameSite=Strict, path /console.</summary>
public sealed class LoginCookie(IDataProtectionProvider protection, IOptions<ConsoleOptions> options)
{
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Platform.Console.Login.v1").ToTimeLimitedDataProtector();

    public void Write(HttpContext context, string key) =>
        context.Response.Cookies.Append(options.Value.CookieName, _protector.Protect(key, options.Value.LoginLifetime), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = ConsoleRoutes.Base,
            IsEssential = true,
            MaxAge = options.Value.LoginLifetime,
        });

    public void Delete(HttpContext context) => context.Response.Cookies.Delete(options.Value.CookieName, new CookieOptions { Path = ConsoleRoutes.Base });

    public string? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(options.Value.CookieName, out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            return _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // expired, tampered with, or protected by a key ring this process does not have
        }
    }
}
