namespace Platform.OperatorConsole.Login;

/// <summary>Every console page but the login ones needs the login cookie; without it the browser goes to sign in.</summary>
public sealed class LoginRequired(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, ConsoleSession session)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(ConsoleRoutes.Login) || path.StartsWithSegments(ConsoleRoutes.SignIn) || path.StartsWithSegments("/console/logout")
            || session.Key is not null)
            return next(context);
        var returnUrl = Uri.EscapeDataString(path + context.Request.QueryString);
        context.Response.Redirect($"{ConsoleRoutes.SignIn}?returnUrl={returnUrl}");
        return Task.CompletedTask;
    }
}
