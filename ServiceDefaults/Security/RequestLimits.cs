using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Limits every service applies to requests before any handler runs. Kestrel answers requests beyond its own limits
/// with an empty body and no hook to change it; so Kestrel's limits are set to twice these, and a middleware rejects
/// what lies between with an RFC 9457 problem (414, 431). Only requests beyond twice the limits get Kestrel's bare answer.
/// </summary>
public static class RequestLimits
{
    /// <summary>The deepest JSON nesting a bound body may have.</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>The longest path and query, in characters (Kestrel's default request line is 8 KiB).</summary>
    public const int MaxUrlLength = 8 * 1024;

    /// <summary>The largest sum of header names and values (Kestrel's default is 32 KiB).</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    public static IServiceCollection AddPlatformRequestLimits(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = 2 * MaxUrlLength;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
        });

    public static IApplicationBuilder UsePlatformRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxUrlLength)
        {
            await Problems.WriteAsync(context, StatusCodes.Status414UriTooLong, "URL too long", $"Path and query are limited to {MaxUrlLength} characters.");
            return;
        }

        var headerBytes = 0L;
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length;
            foreach (var value in values) headerBytes += value?.Length ?? 0;
        }

        if (headerBytes > MaxHeaderBytes)
        {
            await Problems.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large", $"Request headers are limited to {MaxHeaderBytes} bytes in total.");
            return;
        }

        await next(context);
    });
}
