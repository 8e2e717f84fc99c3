using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Training.Infrastructure;

namespace Platform.Training.Tests;

/// <summary>
/// The Training module in a host of its own: SQLite, MassTransit's test harness as the bus, and a stub for the HTTP
/// it reads (dataset contents from "Ingestion", the champion from "the Registry", artifacts from itself).
/// </summary>
public sealed class TrainingHost : IAsyncDisposable
{
    public const string Model = "world";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-training-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<int, byte[]> _versions = [];
    private readonly IHost _host;

    public TrainingHost(int minNewRows)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:trainingdb"] = $"Data Source={Path.Combine(Directory.CreateDirectory(_folder).FullName, "training.db")}",
            ["Training:ArtifactsPath"] = Path.Combine(_folder, "artifacts"),
            ["Training:Trainers:0"] = "sdca",
            ["Training:Repeats"] = "1",
            ["Training:Folds"] = "2",
            ["Training:DataPolicy:MinNewRows"] = minNewRows.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddTraining();
        builder.Services.AddMassTransitTestHarness(bus => bus.AddTrainingConsumers());
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => new Stub(this)));
        _host = builder.Build();
    }

    public ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();

    public IServiceProvider Services => _host.Services;

    /// <summary>What the stub Ingestion answers to GET /datasets (empty until set).</summary>
    public List<DatasetResponse> IngestionDatasets { get; } = [];

    /// <summary>Version <paramref name="version"/>'s bytes, served as Ingestion's content, without publishing its event (a lost DatasetUploaded).</summary>
    public string Store(int version, string csv)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        lock (_versions) _versions[version] = bytes;
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>The run whose ONNX the stub Registry serves as the production version 1; none until set.</summary>
    public Guid? ChampionRun { get; set; }

    public Task StartAsync() => _host.StartAsync();

    /// <summary>Stores version <paramref name="version"/>'s bytes (as Ingestion would) and publishes its DatasetUploaded.</summary>
    /// <param name="x2Kind">The kind Ingestion recorded for x2 (an uploader's <c>kinds=</c> can make its numbers categories).</param>
    public async Task UploadAsync(int version, string csv, long rows, string source, int? appendedTo, DateTimeOffset at, string x2Kind = "numeric")
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        lock (_versions) _versions[version] = bytes;
        await Harness.Bus.Publish(new DatasetUploaded(Guid.NewGuid(), Model, version, Convert.ToHexStringLower(SHA256.HashData(bytes)), rows, "y",
            TaskNames.Regression, [new ColumnInfo("x1", "numeric"), new ColumnInfo("x2", x2Kind), new ColumnInfo("y", "numeric")],
            new Uri($"http://ingestion/datasets/{Model}/versions/{version}/content"), at, source, appendedTo));
    }

    public async Task<T> QueryAsync<T>(Func<TrainingDbContext, Task<T>> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TrainingDbContext>());
    }

    /// <summary>A CSV of <paramref name="rows"/> rows of y = a·x1 + b·x2 + noise.</summary>
    public static string World(int rows, double a, double b, int seed, bool header)
    {
        var random = new Random(seed);
        var csv = new StringBuilder(header ? "x1,x2,y\n" : "");
        for (var i = 0; i < rows; i++)
        {
            double x1 = random.NextDouble() * 4 - 2, x2 = random.NextDouble() * 4 - 2;
            var y = a * x1 + b * x2 + (random.NextDouble() - 0.5) * 0.2;
            csv.Append(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{y:R}\n");
        }

        return csv.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Under the temp path; a file still held open is harmless.
        }
    }

    private sealed class Stub(TrainingHost host) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var path = uri.AbsolutePath;
            // Only the content: a run learns the version's column kinds from its DatasetUploaded, not from another call.
            if (uri.Host == "ingestion" && path == "/datasets")
            {
                lock (host.IngestionDatasets)
                    return new HttpResponseMessage(HttpStatusCode.OK)
                    {
                        Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(host.IngestionDatasets, Platform.ServiceDefaults.JsonColumns.Json), Encoding.UTF8, "application/json"),
                    };
            }

            if (uri.Host == "ingestion" && path.EndsWith("/content", StringComparison.Ordinal) && int.TryParse(path.Split('/')[^2], out var version))
            {
                lock (host._versions)
                    if (host._versions.TryGetValue(version, out var bytes)) return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
            }
            else if (uri.Host == "registry" && host.ChampionRun is { } run)
            {
                var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ArtifactPath(run), cancellationToken)));
                var json = $$"""{"name":"{{Model}}","productionVersion":1,"versions":[{"version":1,"artifactUri":"http://training/runs/{{run}}/artifacts/model.onnx","artifactSha256":"{{sha}}"}]}""";
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            }
            else if (uri.Host == "training" && Guid.TryParse(path.Split('/')[2], out var artifactRun))
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(await File.ReadAllBytesAsync(ArtifactPath(artifactRun), cancellationToken)) };
            }

            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        private string ArtifactPath(Guid run) => Path.Combine(host._folder, "artifacts", run.ToString("N"), "model.onnx");
    }
}
