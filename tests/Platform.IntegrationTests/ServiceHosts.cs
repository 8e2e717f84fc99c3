using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Trace;
using Platform.Inference;
using Platform.Ingestion;
using Platform.Monitoring;
using Platform.Registry;
using Platform.Training;

using Platform.Tests;

namespace Platform.IntegrationTests;

/// <summary>
/// The five services as separate hosts, each composed from its module exactly as its Program.cs does, on its own
/// loopback port, with its own PostgreSQL database and its own bus connection to RabbitMQ. Every host also exports
/// its spans to one in-memory list, so tests can follow a trace across services.
/// </summary>
public sealed class ServiceHosts : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly string _dataPath;

    private readonly Dictionary<string, string?> _settings = [];
    private int _replicas;

    private ServiceHosts(string runId, string dataPath)
    {
        RunId = runId;
        _dataPath = dataPath;
    }

    public string RunId { get; }
    public SpanCollection Spans { get; } = new();
    public Dictionary<string, Uri> Urls { get; } = [];

    public HttpClient Client(string service) => new() { BaseAddress = Urls[service], Timeout = TimeSpan.FromMinutes(2) };

    public static async Task<ServiceHosts> StartAsync(Infrastructure infrastructure, IDictionary<string, string?>? overrides = null)
    {
        var runId = DateTime.UtcNow.ToString("MMddHHmmss") + Random.Shared.Next(1000, 9999);
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-it-" + runId);
        var hosts = new ServiceHosts(runId, dataPath);
        foreach (var service in new[] { "ingestion", "training", "registry", "inference", "monitoring" })
            hosts.Urls[service] = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = infrastructure.RabbitUri,
            ["Messaging:PurgeOnStartup"] = "true",
            ["Ingestion:StoragePath"] = Path.Combine(dataPath, "ingestion"),
            ["Training:ArtifactsPath"] = Path.Combine(dataPath, "training"),
            ["Registry:ArtifactsPath"] = Path.Combine(dataPath, "registry"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Platform"] = "Information",
            // The loop's tests run without keys (the development switch); the security tests cover the keyed paths.
            ["Auth:AllowAnonymous"] = "true",
        };
        foreach (var database in new[] { "ingestion", "training", "registry", "monitoring" })
        {
            var builder = new NpgsqlConnectionStringBuilder(infrastructure.PostgresConnection) { Database = $"{database}db_{runId}" };
            settings[$"ConnectionStrings:{database}db"] = builder.ConnectionString;
        }

        foreach (var (service, url) in hosts.Urls) settings[$"Services:{service}:http:0"] = url.ToString().TrimEnd('/');
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        foreach (var (key, value) in settings) hosts._settings[key] = value;

        await hosts.StartAsync("Platform.Ingestion", "ingestion", settings, b => b.AddIngestion(), bus => bus.AddIngestionConsumers(), app => app.MapIngestion());
        await hosts.StartAsync("Platform.Registry", "registry", settings, b => b.AddRegistry(), bus => bus.AddRegistryConsumers(), app => app.MapRegistry());
        await hosts.StartAsync("Platform.Training", "training", settings, b => b.AddTraining(), bus => bus.AddTrainingConsumers(), app => app.MapTraining());
        await hosts.StartAsync("Platform.Monitoring", "monitoring", settings, b => b.AddMonitoring(), bus => bus.AddMonitoringConsumers(), app => app.MapMonitoring());
        await hosts.StartAsync("Platform.Inference", "inference", settings, b => b.AddInference(), bus => bus.AddInferenceConsumers(), app => app.MapInference());
        return hosts;
    }

    /// <summary>
    /// One more replica of Inference or Monitoring (Monitoring with a database of its own), beside the suite's hosts, with
    /// its own settings on top: for tests that cut one replica off the broker. Disposed by the test.
    /// </summary>
    public async Task<ServiceReplica> StartReplicaAsync(string service, IDictionary<string, string?> overrides)
    {
        var n = Interlocked.Increment(ref _replicas);
        var url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var settings = new Dictionary<string, string?>(_settings);
        if (service == "monitoring")
            settings["ConnectionStrings:monitoringdb"] = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:monitoringdb"]) { Database = $"monitoringdb_{RunId}_{n}" }.ConnectionString;
        foreach (var (key, value) in overrides) settings[key] = value;
        var app = service switch
        {
            "inference" => await StartAsync("Platform.Inference", $"inference-{n}", settings, b => b.AddInference(), bus => bus.AddInferenceConsumers(), a => a.MapInference(), url),
            "monitoring" => await StartAsync("Platform.Monitoring", $"monitoring-{n}", settings, b => b.AddMonitoring(), bus => bus.AddMonitoringConsumers(), a => a.MapMonitoring(), url),
            _ => throw new ArgumentException($"No replicas of {service}.", nameof(service)),
        };
        _apps.Remove(app);
        return new ServiceReplica(app, url);
    }

    private async Task<WebApplication> StartAsync(
        string applicationName, string service, Dictionary<string, string?> settings,
        Action<WebApplicationBuilder> addModule, Action<IBusRegistrationConfigurator> addConsumers, Action<WebApplication> mapModule, Uri? url = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = "Development",
            ContentRootPath = Directory.CreateDirectory(Path.Combine(_dataPath, service)).FullName,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls((url ?? Urls[service]).ToString());
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        addModule(builder);
        builder.AddPlatformMessaging(addConsumers);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        mapModule(app);
        app.MapDefaultEndpoints();
        await app.StartAsync();
        _apps.Add(app);
        return app;
    }

    /// <summary>Spans of one trace, each once (every host's exporter sees every span of this process).</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) =>
        Spans.Where(s => s.TraceId == traceId).DistinctBy(s => s.SpanId).ToList();


    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            try
            {
                await app.StopAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                await app.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopping host; the folder is under the temp path.
        }
    }
}

/// <summary>An extra service replica a test started, and can cut off the broker.</summary>
public sealed class ServiceReplica(WebApplication app, Uri url) : IAsyncDisposable
{
    public Uri Url { get; } = url;
    public IServiceProvider Services => app.Services;

    public HttpClient Client() => new() { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Disconnects this replica's bus: its temporary queues are deleted, and events published meanwhile never reach it.</summary>
    public Task StopBusAsync() => app.Services.GetRequiredService<IBusControl>().StopAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(10));
        await app.DisposeAsync();
    }
}
