using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// The audit trail of key-gated reads and operator actions that have no table of their own (downloads, retrain
/// requests): one structured log record each, category <c>Platform.Audit</c>, with the key id (never the key), exported
/// with the service's other logs.
/// </summary>
public static class Audit
{
    public const string Category = "Platform.Audit";

    public static void Record(HttpContext context, string action, string target)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        logger.LogInformation("Audit: {Action} {Target} by key {KeyId}", action, target, context.ApiKeyId() ?? "none");
    }

    /// <summary>Records each successful call of this endpoint (a download) with the key id that made it.</summary>
    public static TBuilder AuditedAs<TBuilder>(this TBuilder endpoint, string action) where TBuilder : IEndpointConventionBuilder
    {
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            // File results carry no status code: anything that is not an error answer is a download.
            if (inner is not IStatusCodeHttpResult { StatusCode: >= 300 })
                Record(context.HttpContext, action, context.HttpContext.Request.Path);
            return result;
        });
        return endpoint;
    }
}

/// <summary>Bounds on free text callers write into audit records.</summary>
public static class AuditLimits
{
    /// <summary>The longest reason a promote, rollback or retrain may carry, in characters.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The largest JSON body of an operator action (a reason and little else).</summary>
    public const long MaxActionBodyBytes = 16 * 1024;
}
