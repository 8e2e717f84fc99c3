using System.Diagnostics;

namespace Platform.Standalone;

/// <summary>
/// One log line per request, "POST /models/diabetes/predict 200 3.1 ms", in place of the framework's several
/// (request start and end, endpoint start and end), which the embedded default's log filters silence.
/// </summary>
public static class RequestLogLine
{
    public static WebApplication UseRequestLogLine(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLogLine).FullName!);
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                logger.LogInformation("{Method} {Path} {StatusCode} {ElapsedMs:F1} ms", context.Request.Method,
                    context.Request.Path.Value, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        return app;
    }
}
