using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Outbox;
using Platform.Tests;

namespace Platform.Monitoring.Tests;

/// <summary>
/// Monitoring's decision logic over a real database (in-memory SQLite, or a <see cref="TestDatabase{TContext}"/> on
/// either provider) and a hand-moved clock: promotions load a
/// reference from a synthetic training set served by a stub, batches of live rows go through <see cref="DriftMonitor"/>,
/// and what came out is read back as reports and outbox events.
/// </summary>
public sealed class MonitoringHarness : IAsyncDisposable
{
    public const string Model = "synthetic";
    private static readonly string[] Features = ["x1", "x2", "x3"];
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly SqliteConnection? _connection;
    private readonly ServiceProvider _services;
    private readonly Random _random = new(7);
    private readonly double[][] _training;

    /// <param name="database">Where the rows go; null: an in-memory SQLite database of this harness's own.</param>
    public MonitoringHarness(MonitoringOptions options, TestDatabase<MonitoringDbContext>? database = null)
    {
        if (database is null)
        {
            _connection = new SqliteConnection("DataSource=:memory:");
            _connection.Open();
        }

        _training = Enumerable.Range(0, 2000).Select(_ => Features.Select(_ => Normal(_random)).ToArray()).ToArray();

        Meter = new Meter($"monitoring-tests-{Guid.NewGuid():N}");
        var services = new ServiceCollection();
        services.AddLogging();
        if (database is null) services.AddDbContext<MonitoringDbContext>(o => o.UseSqlite(_connection!, Platform.ServiceDefaults.Database.ConfigureSqlite));
        else services.AddDbContext<MonitoringDbContext>(database.Configure);
        services.AddSingleton<IOptions<MonitoringOptions>>(Options.Create(options));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(new DriftMetrics(Meter));
        services.AddSingleton<WindowGate>();
        services.AddScoped<DriftAlarm>();
        services.AddScoped<QualityMonitor>();
        services.AddScoped<DriftMonitor>();
        services.AddScoped<LabelledRowSubmitter>();
        services.AddScoped<FeedbackRecorder>();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:ServiceKey"] = "service-key" }).Build());
        // The bus only records what Monitoring publishes (SubmitDataset).
        services.AddMassTransitTestHarness();
        services.AddScoped(sp => new ReferenceLoader(new HttpClient(new CsvHandler(TrainingCsv())), sp.GetRequiredService<MonitoringDbContext>(),
            sp.GetRequiredService<IOptions<MonitoringOptions>>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ReferenceLoader>>()));
        services.AddSingleton<ReferenceReconciler>();
        services.AddHttpClient(nameof(ReferenceReconciler)).ConfigurePrimaryHttpMessageHandler(() => new RegistryHandler(this));
        _services = services.BuildServiceProvider();

        using var scope = _services.CreateScope();
        if (database is null) scope.ServiceProvider.GetRequiredService<MonitoringDbContext>().Database.EnsureCreated();
        Bus.Start().GetAwaiter().GetResult();
    }

    /// <summary>The version the stub Registry says is in production (null: it does not know the model).</summary>
    public int? RegistryProduction { get; set; }

    /// <summary>The stub Registry refuses connections.</summary>
    public bool RegistryDown { get; set; }

    /// <summary>How many times the stub Registry was asked.</summary>
    public int RegistryCalls => _registryCalls;

    private int _registryCalls;

    public ITestHarness Bus => _services.GetRequiredService<ITestHarness>();

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    public Meter Meter { get; }

    /// <summary>Version <paramref name="version"/> becomes production now (as the Registry's ModelPromoted says).</summary>
    public async Task PromoteAsync(int version, string task = TaskNames.Regression, Dictionary<string, double>? holdout = null, (int From, int To)? trainingRows = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var inputs = Features.Select(f => new ColumnInfo(f, "numeric")).ToList();
        await scope.ServiceProvider.GetRequiredService<ReferenceLoader>().LoadAsync(new ModelPromoted(
            Model, version, version > 1 ? version - 1 : null, Guid.NewGuid(), task, inputs, new Uri("http://registry/artifact"), "sha",
            "synthetic", 1, new Uri("http://ingestion/datasets/synthetic/versions/1/content"), "r2", 0.5, "test", Clock.GetUtcNow(),
            holdout ?? new Dictionary<string, double> { ["rmse"] = 1.0, ["r2"] = 0.5 }, "target", trainingRows?.From, trainingRows?.To), CancellationToken.None);
    }

    /// <summary>Logs <paramref name="rows"/> predictions of <paramref name="version"/>, every feature shifted by <paramref name="shift"/> standard deviations.</summary>
    /// <param name="missing">Feature positions whose value is missing in every row (0 in the array, listed in the mask).</param>
    public async Task<Guid[]> LogAsync(int version, int rows, double shift = 0, Func<int, string>? output = null, Func<int, double?>? confidence = null,
        Guid[]? ids = null, int[]? missing = null)
    {
        var predictions = Enumerable.Range(0, rows).Select(i => new LoggedPrediction(ids?[i] ?? Guid.NewGuid(), Clock.GetUtcNow(),
            Features.Select((_, f) => missing?.Contains(f) == true ? 0 : Normal(_random) + shift).ToArray(), [], output?.Invoke(i) ?? "0",
            confidence?.Invoke(i), missing)).ToList();
        await SendAsync(new PredictionsLogged(Guid.NewGuid(), Model, version, "replica-1", Features, [], predictions, 0, Clock.GetUtcNow(), Clock.GetUtcNow()));
        return predictions.Select(p => p.PredictionId).ToArray();
    }

    /// <summary>One periodic reconciliation pass with the stub Registry.</summary>
    public async Task ReconcileAsync() => await _services.GetRequiredService<ReferenceReconciler>().ReconcileAllAsync(CancellationToken.None);

    public async Task SendAsync(PredictionsLogged batch)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DriftMonitor>().AddAsync(batch, CancellationToken.None);
    }

    /// <summary>Records actual values as POST /feedback does (its rules), then sweeps.</summary>
    public async Task<FeedbackCounts> FeedbackAsync(IEnumerable<(Guid Id, string Actual)> actuals, string keyId = "anonymous", int trust = FeedbackTrust.None)
    {
        FeedbackCounts counts;
        await using (var scope = _services.CreateAsyncScope())
            counts = await scope.ServiceProvider.GetRequiredService<FeedbackRecorder>().RecordAsync(
                actuals.Select(a => new ActualValue(a.Id, a.Actual)).ToList(), keyId, trust, CancellationToken.None);

        await SweepAsync();
        return counts;
    }

    /// <summary>Ingestion's answer to a submission: stored as <paramref name="datasetVersion"/>.</summary>
    public async Task AnswerAsync(Guid submission, int datasetVersion)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LabelledRowSubmitter>().AnsweredAsync(submission, datasetVersion, null, CancellationToken.None);
    }

    /// <summary>The labelled-row submissions Monitoring sent to Ingestion, in order.</summary>
    public List<SubmitDataset> Submissions() => Bus.Published.Select<SubmitDataset>().Select(m => m.Context.Message).ToList();

    public async Task SweepAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DriftMonitor>().SweepAsync(CancellationToken.None);
    }

    /// <summary>The DriftDetected events committed to the outbox, in order.</summary>
    public async Task<List<DriftDetected>> EventsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<MonitoringDbContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType == typeof(DriftDetected).FullName).OrderBy(m => m.Id).ToListAsync();
        return rows.Select(r => JsonSerializer.Deserialize<DriftDetected>(r.Payload, Web)!).ToList();
    }

    /// <summary>Window reports, oldest first.</summary>
    public async Task<List<WindowReport>> ReportsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var reports = await scope.ServiceProvider.GetRequiredService<MonitoringDbContext>().Reports.AsNoTracking().ToListAsync();
        return reports.OrderBy(r => r.CreatedAt.UtcTicks).ToList();
    }

    public async Task<T> QueryAsync<T>(Func<MonitoringDbContext, Task<T>> query)
    {
        await using var scope = _services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MonitoringDbContext>());
    }

    private string TrainingCsv()
    {
        var csv = new StringBuilder("x1,x2,x3,target\n");
        foreach (var row in _training)
            csv.Append(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(',')
                .Append((row[0] + 2 * row[1]).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return csv.ToString();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        Meter.Dispose();
    }

    /// <summary>Answers GET /models/{name} and /models?stage=production as the Registry does, from <see cref="RegistryProduction"/>.</summary>
    private sealed class RegistryHandler(MonitoringHarness harness) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref harness._registryCalls);
            if (harness.RegistryDown) throw new HttpRequestException("Connection refused (registry:80)");
            var models = harness.RegistryProduction is { } version ? new[] { harness.RegisteredModel(version) } : [];
            var list = request.RequestUri!.Query.Contains("stage=production", StringComparison.Ordinal);
            if (!list && models.Length == 0) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = list ? JsonContent.Create(models, options: Web) : JsonContent.Create(models[0], options: Web),
            });
        }
    }

    private RegisteredModelResponse RegisteredModel(int version) => new(Model, version,
    [
        new ModelVersionResponse(Model, version, "production", TaskNames.Regression, "target", "sdca",
            Features.Select(f => new ColumnInfo(f, "numeric")).ToList(), null, "r2", true, 0.5,
            new Dictionary<string, double> { ["rmse"] = 1.0, ["r2"] = 0.5 }, new Uri("http://registry/artifact"), "sha", 1,
            new LineageResponse("synthetic", 1, "sha", new Uri("http://ingestion/datasets/synthetic/versions/1/content"), Guid.NewGuid(), "dataset"),
            "promoted", Clock.GetUtcNow(), Clock.GetUtcNow()),
    ]);

    private sealed class CsvHandler(string csv) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(csv, Encoding.UTF8, "text/csv") });
    }
}
