namespace Platform.ServiceDefaults.Security;

/// <summary>Limits every service applies to requests before any handler runs.</summary>
public static class RequestLimits
{
    /// <summary>The deepest JSON nesting a bound body may have.</summary>
    public const int MaxJsonDepth = 32;
}
