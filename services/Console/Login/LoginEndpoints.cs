using Platform.OperatorConsole.Api;

namespace Platform.OperatorConsole.Login;

/// <summary>
/// Login as the Aspire dashboard does it with its browser token: <c>/console/login?t=&lt;key&gt;&amp;returnUrl=&lt;path&gt;</c>
/// checks the key against the Registry (any role reads it), sets the cookie and redirects. Not API endpoints: left
/// out of OpenAPI; open to anonymous callers (the key is what they bring).
/// </summary>
public static class LoginEndpoints
{
    public static void MapConsoleLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(ConsoleRoutes.Login, LoginAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/console/logout", (HttpContext context, LoginCookie cookie) =>
        {
            cookie.Delete(context);
            return Results.Redirect(ConsoleRoutes.SignIn);
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/console", () => Results.Redirect(ConsoleRoutes.Home)).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(string? t, string? returnUrl, HttpContext context, LoginCookie cookie, RegistryClient registry, CancellationToken cancellationToken)
    {
        var target = ConsoleRoutes.LocalReturnUrl(returnUrl);
        if (string.IsNullOrWhiteSpace(t)) return Results.Redirect($"{ConsoleRoutes.SignIn}?returnUrl={Uri.EscapeDataString(target)}");
        var check = await registry.CheckKeyAsync(t.Trim(), cancellationToken);
        if (check is not null)
            return Results.Redirect($"{ConsoleRoutes.SignIn}?returnUrl={Uri.EscapeDataString(target)}&error={Uri.EscapeDataString($"{check.Title} ({check.Status}): {check.Detail}")}");
        cookie.Write(context, t.Trim());
        return Results.Redirect(target);
    }
}
