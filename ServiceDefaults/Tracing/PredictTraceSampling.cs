using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Tracing;

/// <summary>Tracing settings (<c>Telemetry:Tracing</c>).</summary>
public sealed class TracingOptions
{
    /// <summary>
    /// Share of prediction requests (<c>/models/{name}/predict</c>, <c>/v2/models/{name}/infer</c> and their pinned-version
    /// forms) traced when the caller sent no trace context: 0 traces none, 1 every one. A request whose caller's trace is
    /// sampled is always traced, one whose caller's is not never (parent-based). Every other request and every span that
    /// does not start at a prediction request (uploads, training, promotions, the prediction log's batches, drift checks)
    /// is always traced: the retrain loop stays one complete trace. Default 0.01: at thousands of predictions a second,
    /// full tracing costs more than serving.
    /// </summary>
    [Range(0.0, 1.0)]
    public double PredictSampleRatio { get; set; } = 0.01;
}

/// <summary>
/// Head sampling of prediction requests, decided when the request's activity starts (the ASP.NET Core instrumentation's
/// filter, which sees the path: the framework's sampling tags do not carry it). A request not sampled is not recorded,
/// and neither is anything started under it, since every sampler below it is parent-based.
/// </summary>
public static class PredictTraceSampling
{
    /// <summary>Whether a request's trace is recorded, decided on its activity as the framework started it.</summary>
    public static bool ShouldRecord(HttpContext context) =>
        !IsPrediction(context.Request.Path)
        || ShouldRecord(context.Request.Path, Activity.Current, context.RequestServices.GetRequiredService<IOptionsMonitor<TracingOptions>>().CurrentValue.PredictSampleRatio);

    /// <summary>Whether the request's trace is recorded (<paramref name="activity"/>: the request's activity, as started).</summary>
    public static bool ShouldRecord(PathString path, Activity? activity, double ratio)
    {
        if (!IsPrediction(path)) return true;
        if (activity is null) return false;
        if (activity.HasRemoteParent) return activity.Recorded;
        return InRatio(activity.TraceId, ratio);
    }

    /// <summary>
    /// The same trace id always gets the same answer (as OpenTelemetry's trace-id-ratio sampler): the id's first eight
    /// bytes, read as a non-negative number, below <paramref name="ratio"/> of the largest one.
    /// </summary>
    public static bool InRatio(ActivityTraceId traceId, double ratio)
    {
        if (ratio >= 1) return true;
        if (ratio <= 0) return false;
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        var value = BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue;
        return value < (long)(ratio * long.MaxValue);
    }

    /// <summary><c>/models/{name}/predict</c>, <c>/models/{name}/versions/{v}/predict</c>, <c>/v2/models/{name}[/versions/{v}]/infer</c>.</summary>
    public static bool IsPrediction(PathString path)
    {
        var value = path.Value.AsSpan();
        if (value.EndsWith("/predict", StringComparison.Ordinal)) return value.StartsWith("/models/", StringComparison.Ordinal);
        if (value.EndsWith("/infer", StringComparison.Ordinal)) return value.StartsWith("/v2/models/", StringComparison.Ordinal);
        return false;
    }
}
