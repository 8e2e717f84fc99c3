using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Platform.ServiceDefaults;

/// <summary><c>Metrics:Prometheus</c>: the scrape endpoint every service (and the embedded default) serves beside OTLP.</summary>
public sealed class PrometheusMetricsOptions
{
    public const string Section = "Metrics:Prometheus";

    /// <summary>Maps the scrape endpoint. The exporter itself costs nothing until it is scraped.</summary>
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Empty (the default): open, like <c>/health</c>, because Prometheus scrapes the pod port from inside the cluster
    /// and the numbers are operational (rates, latencies, drift statistics; no rows, no keys). Set a role (e.g.
    /// <c>reader</c>) when the port is reachable from outside: Prometheus then sends the key as
    /// <c>authorization: { type: ApiKey, credentials: ... }</c>.
    /// </summary>
    public string? RequiredRole { get; set; }

    /// <summary>How often the health checks run for the <c>platform.health.status</c> gauge (broker and database down alerts).</summary>
    public TimeSpan HealthCheckPeriod { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Prometheus text format on <c>/metrics</c> (OpenTelemetry's exporter, so the same instruments as OTLP), finer latency
/// buckets than OpenTelemetry's defaults, and the health checks' latest status as a gauge.
/// </summary>
public static class PrometheusMetrics
{
    /// <summary>Sub-millisecond scoring up to multi-second pinned-version loads (OpenTelemetry's defaults start at 5 ms).</summary>
    private static readonly double[] LatencyBucketsMs = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

    public static TBuilder AddPrometheusMetrics<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<PrometheusMetricsOptions>().BindConfiguration(PrometheusMetricsOptions.Section);
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .AddPrometheusExporter()
            .AddView("platform.inference.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBucketsMs }));

        builder.Services.AddSingleton<HealthStatusGauge>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(services => services.GetRequiredService<HealthStatusGauge>());
        builder.Services.AddOptions<HealthCheckPublisherOptions>()
            .Configure<IOptions<PrometheusMetricsOptions>>((publisher, metrics) => publisher.Period = metrics.Value.HealthCheckPeriod);
        return builder;
    }

    public static WebApplication MapPrometheusMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<PrometheusMetricsOptions>>().Value;
        if (!options.Enabled) return app;
        var role = string.IsNullOrWhiteSpace(options.RequiredRole) ? null : options.RequiredRole.Trim();
        // The platform's own authorization: open like /health unless a role is configured.
        var endpoint = app.MapPrometheusScrapingEndpoint(options.Path);
        if (role is null) endpoint.AllowAnonymous();
        else endpoint.RequireApiKeyRole(role);
        return app;
    }
}
