using System.Diagnostics;
using Platform.ServiceDefaults.Tracing;

namespace Platform.Standalone;

/// <summary>
/// One log line per request, "POST /datasets/iris 202 3.1 ms", in place of the framework's several (request start and
/// end, endpoint start and end), which LogDefaults (ServiceDefaults) silences. Answered predictions are the
/// exception: at thousands a second a line each would make the console the bottleneck (its queue fills and requests
/// wait on it), so they are counted and summed up in one line per <see cref="SummaryInterval"/>, written by the first
/// prediction to finish after it elapses; a refused or failed prediction still gets its own line.
/// </summary>
public static class RequestLogLine
{
    /// <summary>How often answered predictions are summed up (a quiet model's summary waits for its next request).</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(10);

    public static WebApplication UseRequestLogLine(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLogLine).FullName!);
        var summary = new PredictionSummary(logger, SummaryInterval);
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (context.Response.StatusCode < 400 && PredictTraceSampling.IsPrediction(context.Request.Path)) summary.Add(elapsed);
                else
                {
                    logger.LogInformation("{Method} {Path} {StatusCode} {ElapsedMs:F1} ms", context.Request.Method,
                        context.Request.Path.Value, context.Response.StatusCode, elapsed.TotalMilliseconds);
                }
            }
        });
        return app;
    }

    /// <summary>Answered predictions since the last summary line: their count and total time, without a lock.</summary>
    internal sealed class PredictionSummary(ILogger logger, TimeSpan interval)
    {
        private long _count;
        private long _elapsedTicks;
        private long _since = Stopwatch.GetTimestamp();

        public void Add(TimeSpan elapsed)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _elapsedTicks, elapsed.Ticks);
            var since = Volatile.Read(ref _since);
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(since, now) < interval || Interlocked.CompareExchange(ref _since, now, since) != since) return;

            var count = Interlocked.Exchange(ref _count, 0);
            var ticks = Interlocked.Exchange(ref _elapsedTicks, 0);
            if (count == 0) return;
            logger.LogInformation("{Count} predictions answered in the last {Seconds:F0} s, {MeanMs:F2} ms on average",
                count, Stopwatch.GetElapsedTime(since, now).TotalSeconds, TimeSpan.FromTicks(ticks / count).TotalMilliseconds);
        }
    }
}
