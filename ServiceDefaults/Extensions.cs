using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Platform.ServiceDefaults.Faults;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Security;
using Platform.ServiceDefaults.Tracing;

namespace Platform.ServiceDefaults;

/// <summary>
/// What every service gets: OpenTelemetry (logs, metrics, traces), health checks, service discovery,
/// Polly resilience on every HttpClient, OpenAPI, and RFC 9457 problem details.
/// </summary>
public static class Extensions
{
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration.GetValue(PrivateFiles.Setting, true)) PrivateFiles.Apply();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<FaultOptions>().BindConfiguration("Faults");
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        builder.Services.AddOpenApi(options => options.AddApiKeyScheme());
        builder.AddApiKeys();
        builder.Services.AddPlatformRateLimits();
        builder.Services.AddPlatformOrigins();
        builder.Services.AddPlatformRequestLimits();
        // Bodies bound from JSON nest no deeper than this: a deeply nested document is a 400, not a stack-deep walk.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.MaxDepth = RequestLimits.MaxJsonDepth);
        builder.AddPrometheusMetrics();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        LogDefaults.Apply(builder.Services);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOptions<TracingOptions>().BindConfiguration("Telemetry:Tracing").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenTelemetry()
            // Under Aspire, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (service.instance.id) name the resource the
            // dashboard matches telemetry to; AddService would override both. Elsewhere the application name is used.
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(builder.Environment.ApplicationName);
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Npgsql", PlatformTelemetry.Name))
            .WithTracing(tracing => tracing
                .AddSource(PlatformTelemetry.Name, "MassTransit")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !IsProbe(context.Request.Path) && PredictTraceSampling.ShouldRecord(context))
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health (ready: database, broker, loaded models) and /alive (the process answers) in every
    /// environment, because Kubernetes probes need them in production too; and the OpenAPI document: the only endpoints
    /// that need no API key. Also adds the per-key rate limiter to the pipeline: it runs after authentication (which
    /// the host adds before the application's middleware), so limits partition by key id.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UsePlatformRequestLimits();
        app.UseRateLimiter();
        // Degraded is 503 here, not ASP.NET's default 200: MassTransit reports a bus that lost its broker as Degraded,
        // and a service that cannot consume or publish is not ready.
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag) || check.Tags.Contains("live"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapPrometheusMetrics();
        return app;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics");
}
