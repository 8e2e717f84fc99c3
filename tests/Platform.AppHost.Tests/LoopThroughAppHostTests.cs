using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.AppHost.Tests;

/// <summary>
/// The loop through the AppHost, as an operator runs it: RabbitMQ and PostgreSQL (executables here, containers where a
/// runtime exists), the five services, the dashboard. Upload → served → predict → drift → retrain → gate; the
/// dashboard received the first half as one trace (read back through its telemetry API) and shows it (screenshot).
/// </summary>
public sealed class LoopThroughAppHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);
    private const string Model = "diabetes";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(15));
    private PlatformAppHost? _host;

    public async Task InitializeAsync() => _host = await PlatformAppHost.StartAsync(_timeout.Token);

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Upload_trains_serves_detects_drift_and_waits_for_labelled_rows_and_the_dashboard_holds_the_upload_to_swap_trace()
    {
        var host = _host!;
        var cancel = _timeout.Token;
        using var ingestion = host.Client("ingestion", "producer");
        using var inference = host.Client("inference", "consumer");
        using var training = host.Client("training", "operator");
        using var registry = host.Client("registry", "operator");
        using var monitoring = host.Client("monitoring", "operator");
        using var dashboard = new DashboardTelemetry(host.Dashboard, host.DashboardApiKey);

        // 1. Upload under a trace id of the test's own (W3C traceparent), so the trace can be looked up afterwards.
        var uploadTrace = ActivityTraceId.CreateRandom().ToHexString();
        using (var content = new StreamContent(File.OpenRead(SharedData.PathOf("diabetes_train.csv"))))
        using (var upload = new HttpRequestMessage(HttpMethod.Post, $"datasets/{Model}?target=target&task=regression") { Content = content })
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            upload.Headers.Add("traceparent", $"00-{uploadTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await ingestion.SendAsync(upload, cancel);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
        }

        // 2. Served: predictions on the held-out rows are those of a real model.
        await Eventually.HoldsAsync(async () => (await inference.GetAsync($"models/{Model}/signature", cancel)).IsSuccessStatusCode, Slow, () => "Inference to serve v1");
        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        var (version, predictions) = await PredictAsync(inference, holdout, shift: 0, cancel);
        Assert.Equal(1, version);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
        var baseline = Math.Sqrt(actual.Select(y => (y - actual.Average()) * (y - actual.Average())).Average());
        Assert.True(rmse < 0.85 * baseline, $"Holdout RMSE {rmse:F2} is not clearly better than predicting the mean ({baseline:F2}).");

        // 3. The dashboard received one trace from the upload to the swap, each span under its service's resource name.
        // Each service exports in its own batches, so the spans arrive in any order: wait until all are there.
        var trace = await TraceHoldingAsync(dashboard, uploadTrace, cancel,
            new("training", $"train {Model}"), new("registry", $"register {Model}"), new("inference", $"swap {Model}"));
        Assert.Contains(trace, s => s.Service == "ingestion" && s.Name.StartsWith("POST /datasets", StringComparison.Ordinal));

        // 4. What an operator sees: the dashboard's view of that trace.
        var screenshot = Path.Combine(ArtifactsDirectory(), "dashboard-trace-upload-to-swap.png");
        await DashboardScreenshot.SaveTraceAsync(host.DashboardLogin, host.Dashboard, uploadTrace, $"swap {Model}", screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"The screenshot {screenshot} is nearly empty.");

        // 5. Inputs shifted by four standard deviations: Monitoring reports drift, and Training, with no labelled row
        // newer than the drift, does not retrain the same bytes: the model waits for labelled data ("awaiting-data").
        // The retrain that follows the truth is driven over separate hosts and through the embedded default
        // (RetrainLoopTests, EmbeddedDefaultTests).
        var reference = CsvTableReader.Read(SharedData.PathOf("diabetes_train.csv"));
        for (var i = 0; i < 3; i++) await PredictAsync(inference, holdout, shift: 4, cancel, reference);
        var wait = await Eventually.ValueAsync(async () =>
        {
            var runs = await training.GetFromJsonAsync<JsonArray>($"runs?model={Model}", cancel);
            return runs!.Select(r => r!.AsObject()).FirstOrDefault(r => (string?)r["trigger"] == "drift" && (string?)r["status"] == "awaiting-data");
        }, Slow, () => "a drift retrain awaiting labelled data");
        Assert.Contains("awaiting labelled data", wait.ToJsonString());
        var reports = await monitoring.GetFromJsonAsync<JsonArray>($"drift/{Model}", cancel);
        Assert.Contains(reports!, r => (bool)r!["datasetDrift"]! && (int)r["version"]! == 1);

        // 6. Nothing was retrained on the same bytes: the Registry still has one version, and Inference serves it.
        var model = await registry.GetFromJsonAsync<JsonObject>($"models/{Model}", cancel);
        Assert.Single(model!["versions"]!.AsArray());
        Assert.Equal(1, (await PredictAsync(inference, holdout, 0, cancel)).Version);
        var audit = await registry.GetFromJsonAsync<JsonArray>($"models/{Model}/audit", cancel);
        Assert.True(audit!.Count >= 1, "The Registry's audit is empty.");
    }

    /// <summary>The trace as the dashboard holds it once it has received every one of <paramref name="expected"/>.</summary>
    private static async Task<IReadOnlyList<ReceivedSpan>> TraceHoldingAsync(DashboardTelemetry dashboard, string traceId, CancellationToken cancel, params ReceivedSpan[] expected)
    {
        IReadOnlyList<ReceivedSpan> received = [];
        return await Eventually.ValueAsync(async () =>
            {
                received = await dashboard.TraceAsync(traceId, cancel);
                return expected.All(received.Contains) ? received : null;
            }, TimeSpan.FromMinutes(1),
            () => $"the dashboard to hold {string.Join(", ", expected)} in trace {traceId}; it holds {string.Join(", ", received.Distinct())}");
    }

    private static async Task<(int Version, double[] Predictions)> PredictAsync(HttpClient inference, Table rows, double shift, CancellationToken cancel, Table? reference = null)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target"))
                instance[column.Name] = column.Numbers![row] + (reference is null ? 0 : shift * StdDev(reference[column.Name].Numbers!));
            instances.Add(instance);
        }

        using var response = await inference.PostAsJsonAsync($"models/{Model}/predict", new JsonObject { ["instances"] = instances }, cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("version").GetInt32(),
            document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray());
    }

    private static double StdDev(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>TestResults/apphost at the repository root (CI keeps TestResults as an artifact), or PLATFORM_TEST_ARTIFACTS.</summary>
    private static string ArtifactsDirectory([CallerFilePath] string sourceFile = "")
    {
        var configured = Environment.GetEnvironmentVariable("PLATFORM_TEST_ARTIFACTS");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var root = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!);
        while (root.Parent is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
        return Path.Combine(root.FullName, "TestResults", "apphost");
    }
}
