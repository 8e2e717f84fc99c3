using Platform.ServiceDefaults;
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

namespace Platform.Tests;

/// <summary>
/// The five services as separate hosts, each composed from its module exactly as its Program.cs does, on its own
/// loopback port, with its own PostgreSQL database and its own bus connection to RabbitMQ. Every host also exports
/// its spans to one in-memory list, so tests can follow a trace across services. A single service can be stopped
/// (gracefully, or abruptly as a crash would leave it) and started again on the same database and files.
/// </summary>
public sealed class ServiceHosts : IAsyncDisposable
{
    private sealed record Module(string ApplicationName, Action<WebApplicationBuilder> Add, Action<IBusRegistrationConfigurator> AddConsumers, Action<WebApplication> Map);

    private static readonly Dictionary<string, Module> Modules = new()
    {
        ["ingestion"] = new("Platform.Ingestion", b => b.AddIngestion(), bus => bus.AddIngestionConsumers(), app => app.MapIngestion()),
        ["registry"] = new("Platform.Registry", b => b.AddRegistry(), bus => bus.AddRegistryConsumers(), app => app.MapRegistry()),
        ["training"] = new("Platform.Training", b => b.AddTraining(), bus => bus.AddTrainingConsumers(), app => app.MapTraining()),
        ["monitoring"] = new("Platform.Monitoring", b => b.AddMonitoring(), bus => bus.AddMonitoringConsumers(), app => app.MapMonitoring()),
        ["inference"] = new("Platform.Inference", b => b.AddInference(), bus => bus.AddInferenceConsumers(), app => app.MapInference()),
    };

    private readonly Dictionary<string, WebApplication> _apps = [];
    private readonly Dictionary<string, ChildService> _processes = [];
    private readonly Dictionary<string, ChildService> _lastProcess = [];
    private readonly List<string> _startOrder = [];
    private readonly string _dataPath;
    private Dictionary<string, string?> _settings = [];
    private int _replicas;

    private ServiceHosts(string runId, string dataPath)
    {
        RunId = runId;
        _dataPath = dataPath;
    }

    public string RunId { get; }
    public SpanCollection Spans { get; } = new();
    public Dictionary<string, Uri> Urls { get; } = [];

    /// <summary>A setting every host gets (Ingestion:StoragePath, say), for tests that look at a service's files.</summary>
    public string? Setting(string key) => _settings.GetValueOrDefault(key);

    public HttpClient Client(string service) => new() { BaseAddress = Urls[service], Timeout = TimeSpan.FromMinutes(2) };

    public static async Task<ServiceHosts> StartAsync(string rabbitUri, string postgresConnection, IDictionary<string, string?>? overrides = null)
    {
        var runId = DateTime.UtcNow.ToString("MMddHHmmss") + Random.Shared.Next(1000, 9999);
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-it-" + runId);
        var hosts = new ServiceHosts(runId, dataPath);
        foreach (var service in new[] { "ingestion", "training", "registry", "inference", "monitoring" })
            hosts.Urls[service] = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = rabbitUri,
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
            var builder = new NpgsqlConnectionStringBuilder(postgresConnection) { Database = $"{database}db_{runId}" };
            settings[$"ConnectionStrings:{database}db"] = builder.ConnectionString;
        }

        foreach (var (service, url) in hosts.Urls) settings[$"Services:{service}:http:0"] = url.ToString().TrimEnd('/');
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;

        hosts._settings = settings;
        foreach (var service in new[] { "ingestion", "registry", "training", "monitoring", "inference" }) await hosts.StartAsync(service);
        return hosts;
    }

    /// <summary>Starts one service (again) on its database and files. A restart keeps its queues' messages.</summary>
    public async Task StartAsync(string service)
    {
        if (_apps.ContainsKey(service)) throw new InvalidOperationException($"{service} runs already.");
        var settings = new Dictionary<string, string?>(_settings);
        if (_startOrder.Contains(service)) settings["Messaging:PurgeOnStartup"] = "false";
        _apps[service] = await StartAppAsync(Modules[service], service, settings, Urls[service]);
        if (!_startOrder.Contains(service)) _startOrder.Add(service);
    }

    /// <summary>
    /// One more replica of Inference or Monitoring (Monitoring with a database of its own), beside the suite's hosts, with
    /// its own settings on top: for tests that cut one replica off the broker. Disposed by the test.
    /// </summary>
    public async Task<ServiceReplica> StartReplicaAsync(string service, IDictionary<string, string?> overrides)
    {
        if (service is not ("inference" or "monitoring")) throw new ArgumentException($"No replicas of {service}.", nameof(service));
        var n = Interlocked.Increment(ref _replicas);
        var url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var settings = new Dictionary<string, string?>(_settings);
        if (service == "monitoring")
            settings["ConnectionStrings:monitoringdb"] = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:monitoringdb"]) { Database = $"monitoringdb_{RunId}_{n}" }.ConnectionString;
        foreach (var (key, value) in overrides) settings[key] = value;
        return new ServiceReplica(await StartAppAsync(Modules[service], $"{service}-{n}", settings, url), url);
    }

    private async Task<WebApplication> StartAppAsync(Module module, string folder, Dictionary<string, string?> settings, Uri url)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = module.ApplicationName,
            EnvironmentName = "Development",
            ContentRootPath = Directory.CreateDirectory(Path.Combine(_dataPath, folder)).FullName,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url.ToString());
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        module.Add(builder);
        builder.AddPlatformMessaging(module.AddConsumers);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        module.Map(app);
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Stops one service. Gracefully: its hosted services get the host's shutdown time. Abruptly: they get none (an
    /// already cancelled token), which is as close to a killed process as one process can come; the returned time is
    /// how long the stop took.
    /// </summary>
    public async Task<TimeSpan> StopAsync(string service, bool abruptly = false)
    {
        var app = _apps[service];
        _apps.Remove(service);
        var watch = Stopwatch.StartNew();
        try
        {
            if (abruptly)
            {
                // A killed process's broker connection drops at once. Without this the bus of a host stopped with no
                // time would live on in this test process as a competing consumer of the restarted service's queues.
                await app.Services.GetRequiredService<IBusControl>().StopAsync(CancellationToken.None);
                await app.StopAsync(new CancellationToken(canceled: true));
            }
            else
            {
                await app.StopAsync();
            }
        }
        catch (OperationCanceledException) when (abruptly)
        {
            // A hosted service that gave up at once: that is the point.
        }
        finally
        {
            await app.DisposeAsync();
        }

        return watch.Elapsed;
    }

    /// <summary>
    /// Starts one service as its own process (<c>dotnet Platform.&lt;Service&gt;.dll</c>, its real Program.cs) on the
    /// same settings (plus <paramref name="overrides"/> for this process only: a test-only delay, say), so a test can
    /// kill it for real. Returns once it answers /alive.
    /// </summary>
    public async Task StartProcessAsync(string service, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (_apps.ContainsKey(service) || _processes.ContainsKey(service)) throw new InvalidOperationException($"{service} runs already.");
        var settings = new Dictionary<string, string?>(_settings) { ["Messaging:PurgeOnStartup"] = "false", ["urls"] = Urls[service].ToString() };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var child = ChildService.Start(Path.Combine(AppContext.BaseDirectory, Modules[service].ApplicationName + ".dll"),
            Directory.CreateDirectory(Path.Combine(_dataPath, service)).FullName, settings);
        _processes[service] = child;
        _lastProcess[service] = child;
        using var client = Client(service);
        await Eventually.HoldsAsync(async () =>
        {
            if (child.Process.HasExited) throw new WaitAbandonedException($"{service} exited with {child.Process.ExitCode}: {child.Output}");
            using var response = await client.GetAsync("alive");
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), $"{service} (process {child.Process.Id}) to answer /alive");
    }

    /// <summary>The last output of the service's newest process (running or not), for failure messages.</summary>
    public string ProcessOutput(string service) => _lastProcess.TryGetValue(service, out var child) ? child.Output : $"({service} never ran as a process)";

    /// <summary>Sends a signal (KILL, TERM) to a service's process and waits for it to exit; returns how long that took.</summary>
    public async Task<TimeSpan> SignalAsync(string service, string signal)
    {
        var child = _processes[service];
        _processes.Remove(service);
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-" + signal, child.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await child.Process.WaitForExitAsync(timeout.Token);
        var elapsed = watch.Elapsed;
        child.Dispose();
        return elapsed;
    }

    /// <summary>Spans of one trace, each once (every host's exporter sees every span of this process).</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) =>
        Spans.Where(s => s.TraceId == traceId).DistinctBy(s => s.SpanId).ToList();


    public async ValueTask DisposeAsync()
    {
        foreach (var child in _processes.Values)
        {
            if (!child.Process.HasExited) child.Process.Kill(entireProcessTree: true);
            child.Dispose();
        }

        foreach (var service in Enumerable.Reverse(_startOrder).Where(_apps.ContainsKey).ToList())
        {
            var app = _apps[service];
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

/// <summary>A service's own executable as a child process, its output kept for failure messages.</summary>
internal sealed class ChildService : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    private ChildService(Process process) => Process = process;

    public Process Process { get; }

    public string Output
    {
        get { lock (_output) return _output.Length > 4000 ? _output.ToString(_output.Length - 4000, 4000) : _output.ToString(); }
    }

    public static ChildService Start(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["DOTNET_ENVIRONMENT"] = "Development" },
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        var child = new ChildService(Process.Start(start)!);
        child.Process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child.Process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose() => Process.Dispose();
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
