using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Apis;

/// <summary>
/// The per-key limit on predictions (<c>RateLimits:Predict</c>: a fixed window per API key, the client address in
/// anonymous development mode), checked without a lock. ASP.NET Core's rate-limiting middleware takes two locks per
/// request (its partition table and the window), and on the predict path, thousands of requests a second from one
/// key, those locks were where the serving threads queued (a profile at 16 connections showed more time waiting on
/// them than in ONNX Runtime). Here the window is two counters moved with interlocked operations; at the edge of a
/// window a few requests may be counted in the next one, which a flood guard can afford.
/// </summary>
public sealed class PredictAllowance(IOptionsMonitor<RateLimitOptions> options)
{
    /// <summary>Partitions kept at most (key ids are configured and few; client addresses only without keys).</summary>
    private const int MaxPartitions = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Takes one permit for the request's key; false (and how long until the window ends) when it has none left.</summary>
    public bool TryTake(HttpContext context, out TimeSpan retryAfter)
    {
        var partition = context.ApiKeyId() is { } id && id != ApiKeys.AnonymousId ? id : "ip:" + context.Connection.RemoteIpAddress;
        return TryTake(partition, Stopwatch.GetTimestamp(), out retryAfter);
    }

    /// <param name="now">A <see cref="Stopwatch"/> timestamp.</param>
    public bool TryTake(string partition, long now, out TimeSpan retryAfter)
    {
        var rule = options.CurrentValue.Predict;
        if (!_windows.TryGetValue(partition, out var window))
        {
            if (_windows.Count >= MaxPartitions) _windows.Clear();
            window = _windows.GetOrAdd(partition, static _ => new Window());
        }

        var length = (long)(rule.Window.TotalSeconds * Stopwatch.Frequency);
        var start = Volatile.Read(ref window.Start);
        if (start == 0 || now - start >= length)
        {
            // One request opens the new window; the others see it open.
            if (Interlocked.CompareExchange(ref window.Start, now, start) == start) Interlocked.Exchange(ref window.Used, 0);
            start = Volatile.Read(ref window.Start);
        }

        if (Interlocked.Increment(ref window.Used) <= rule.PermitLimit)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = Stopwatch.GetElapsedTime(now, start + length);
        return false;
    }

    private sealed class Window
    {
        public long Start;
        public long Used;
    }
}
