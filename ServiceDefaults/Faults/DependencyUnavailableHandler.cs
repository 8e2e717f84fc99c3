using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Faults;

public sealed class FaultOptions
{
    /// <summary>What a 503 tells clients to wait before trying again (Retry-After).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// An endpoint whose database or downstream service is down answers 503 with Retry-After and a problem saying so,
/// instead of a generic 500: the client's request was fine and is worth repeating.
/// </summary>
internal sealed class DependencyUnavailableHandler(
    IProblemDetailsService problems, IOptions<FaultOptions> options, ILogger<DependencyUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientFaults.IsTransient(exception) || httpContext.Response.HasStarted) return false;

        logger.LogWarning(exception, "{Method} {Path}: a dependency is unavailable; answering 503", httpContext.Request.Method, httpContext.Request.Path);
        var retryAfter = (int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service temporarily unavailable",
                Detail = $"A dependency of this service (its database, the broker or another service) is unreachable. Retry in {retryAfter} s.",
            },
        });
    }
}
