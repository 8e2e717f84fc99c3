using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Security;

/// <summary>A fixed window per API key: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Per-key limits on the expensive or state-changing endpoints (section <c>RateLimits</c>, e.g.
/// <c>RateLimits:Retrain:PermitLimit=5</c>). The defaults stop floods and storms, not normal use; an operator tunes them.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Predictions and inference: far above what one key sends in normal use, below a flood. Enforced by the Inference
    /// service's own lock-free window (<c>PredictAllowance</c>), not by a rate-limiter policy: the middleware's two locks
    /// per request were where the predict path queued.
    /// </summary>
    public RateLimitRule Predict { get; set; } = new() { PermitLimit = 200_000, Window = TimeSpan.FromSeconds(10) };

    public RateLimitRule Feedback { get; set; } = new() { PermitLimit = 600 };

    public RateLimitRule Upload { get; set; } = new() { PermitLimit = 60 };

    /// <summary>A retrain is minutes of CPU: a handful per minute, so 50 calls never queue 50 trainings.</summary>
    public RateLimitRule Retrain { get; set; } = new() { PermitLimit = 5 };

    /// <summary>Promote and roll back by hand.</summary>
    public RateLimitRule Move { get; set; } = new() { PermitLimit = 30 };

    /// <summary>
    /// Reads that sample and analyse whole versions (compare): at most this many at once in the process, whoever asks,
    /// with as many again waiting; more → 429. Bounds their memory, which a per-key window would not.
    /// </summary>
    [Range(1, 1000)]
    public int ConcurrentExpensiveReads { get; set; } = 2;
}

public static class RateLimits
{
    public const string Feedback = "feedback";
    public const string Upload = "upload";
    public const string Retrain = "retrain";
    public const string Move = "move";
    public const string ExpensiveRead = "expensive-read";

    public static IServiceCollection AddPlatformRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = OnRejectedAsync;
            Add(limiter, Feedback, o => o.Feedback);
            Add(limiter, Upload, o => o.Upload);
            Add(limiter, Retrain, o => o.Retrain);
            Add(limiter, Move, o => o.Move);
            limiter.AddPolicy(ExpensiveRead, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.ConcurrentExpensiveReads;
                return RateLimitPartition.GetConcurrencyLimiter(ExpensiveRead, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = permits,
                    QueueLimit = permits,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
        });
        return services;
    }

    /// <summary>Limits this endpoint per API key with the named rule (one of the constants of <see cref="RateLimits"/>).</summary>
    public static TBuilder WithRateLimit<TBuilder>(this TBuilder endpoint, string rule) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireRateLimiting(rule);

    private static void Add(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions limiter, string name, Func<RateLimitOptions, RateLimitRule> rule) =>
        limiter.AddPolicy(name, context =>
        {
            var options = rule(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
            // Authentication ran first: the partition is the key id; without one (anonymous development mode) the client address.
            var partition = context.ApiKeyId() is { } id && id != ApiKeys.AnonymousId ? "key:" + id : "ip:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.PermitLimit,
                Window = options.Window,
                QueueLimit = 0,
            });
        });

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This key has used its allowance for this endpoint; retry after {seconds} s.");
    }
}
