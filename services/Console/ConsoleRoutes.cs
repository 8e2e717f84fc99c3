namespace Platform.OperatorConsole;

public static class ConsoleRoutes
{
    public const string Base = "/console";
    public const string Login = "/console/login";
    public const string SignIn = "/console/signin";
    public const string Home = "/console/models";

    /// <summary>A local console path to return to after login; anything else (another host, //evil, \evil) goes home.</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(Base, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Contains('\\') && Uri.TryCreate(url, UriKind.Relative, out _)
            ? url
            : Home;
}
