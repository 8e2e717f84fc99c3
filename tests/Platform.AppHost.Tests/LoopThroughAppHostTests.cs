using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Ml.Data;
using Platform.Operations.Tests;
using Platform.Tests;
using Xunit.Abstractions;

namespace Platform.AppHost.Tests;

/// <summary>
/// The loop through the AppHost, as an operator runs it: RabbitMQ and PostgreSQL (executables here, containers where a
/// runtime exists), the five services, the dashboard. Upload → served → predict → drift → awaiting labelled data →
/// feedback → labelled rows through Ingestion → retrain by itself → gate → swap; the dashboard received each half as
/// one trace (read back through its telemetry API) and shows both (screenshots).
/// </summary>
public sealed partial class LoopThroughAppHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);
    private const string Model = "diabetes";
    private const int TrainRows = 353;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(20));
    private PlatformAppHost? _host;

    public async Task InitializeAsync() => _host = await PlatformAppHost.StartAsync(_timeout.Token);

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Upload_trains_and_serves_drift_waits_for_labelled_rows_feedback_retrains_the_gate_decides_and_the_dashboard_holds_both_traces()
    {
        var host = _host!;
        var cancel = _timeout.Token;
        using var ingestion = host.Client("ingestion", "producer");
        using var inference = host.Client("inference", "consumer");
        using var training = host.Client("training", "operator");
        using var registry = host.Client("registry", "operator");
        using var monitoring = host.Client("monitoring", "operator");
        using var labeler = host.Client("monitoring", "labeler");
        using var dashboard = new DashboardTelemetry(host.Dashboard, host.DashboardApiKey);

        // 1. Upload under a trace id of the test's own (W3C traceparent), so the trace can be looked up afterwards.
        var uploadTrace = ActivityTraceId.CreateRandom().ToHexString();
        using (var content = new StreamContent(File.OpenRead(SharedData.PathOf("diabetes_train.csv"))))
        using (var upload = new HttpRequestMessage(HttpMethod.Post, $"datasets/{Model}?target=target&task=regression") { Content = content })
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            upload.Headers.Add("traceparent", Traceparent(uploadTrace));
            using var response = await ingestion.SendAsync(upload, cancel);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
        }

        // 2. Served: predictions on the held-out rows are those of a real model.
        await Eventually.HoldsAsync(async () => (await inference.GetAsync($"models/{Model}/signature", cancel)).IsSuccessStatusCode, Slow, () => "Inference to serve v1");
        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        var served = await PredictAsync(inference, holdout, shift: 0, cancel);
        Assert.Equal(1, served.Version);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - served.Predictions[i]) * (y - served.Predictions[i])).Average());
        var baseline = Math.Sqrt(actual.Select(y => (y - actual.Average()) * (y - actual.Average())).Average());
        Assert.True(rmse < 0.85 * baseline, $"Holdout RMSE {rmse:F2} is not clearly better than predicting the mean ({baseline:F2}).");

        // 3. The dashboard received one trace from the upload to the swap, each span under its service's resource name.
        // Each service exports in its own batches, so the spans arrive in any order: wait until all are there.
        var trace = await TraceHoldingAsync(dashboard, uploadTrace, cancel,
            new("training", $"train {Model}"), new("registry", $"register {Model}"), new("inference", $"swap {Model}"));
        Assert.Contains(trace, s => s.Service == "ingestion" && s.Name.StartsWith("POST /datasets", StringComparison.Ordinal));

        // 4. What an operator sees: the dashboard's view of that trace.
        await ScreenshotAsync(host, uploadTrace, trace.Count, $"swap {Model}", "dashboard-trace-upload-to-swap.png");

        // 5. The world moves: the training rows come back with every input shifted by four standard deviations, each row
        // once (so the newest rows, which the gate holds out, are none the challenger trains on). Monitoring reports
        // drift, and Training, with no labelled row newer than the drift, does not retrain the same bytes: the model
        // waits for labelled data ("awaiting-data").
        var reference = CsvTableReader.Read(SharedData.PathOf("diabetes_train.csv"));
        var truth = reference["target"].Numbers!;
        var shifted = (await PredictAsync(inference, reference, shift: 4, cancel, reference)).Ids.Select((id, row) => (Id: id, Actual: truth[row])).ToList();

        var wait = await Eventually.ValueAsync(async () => (await RunsAsync(training, cancel))
            .FirstOrDefault(r => (string?)r["trigger"] == "drift" && (string?)r["status"] == "awaiting-data"), Slow, () => "a drift retrain awaiting labelled data");
        Assert.Equal("awaiting labelled data: 0 of 200 rows", (string?)wait["stage"]);
        var reports = await monitoring.GetFromJsonAsync<JsonArray>($"drift/{Model}", cancel);
        Assert.Contains(reports!, r => (bool)r!["datasetDrift"]! && (int)r["version"]! == 1);
        Assert.Single((await registry.GetFromJsonAsync<JsonObject>($"models/{Model}", cancel))!["versions"]!.AsArray());

        // 6. The truth for the shifted predictions arrives from a labelling tool's key, under a trace of the test's own.
        var feedbackTrace = ActivityTraceId.CreateRandom().ToHexString();
        var items = new JsonArray();
        foreach (var (id, value) in shifted) items.Add(new JsonObject { ["predictionId"] = id, ["actual"] = value });
        using (var request = new HttpRequestMessage(HttpMethod.Post, "feedback") { Content = JsonContent.Create(new JsonObject { ["feedback"] = items }) })
        {
            request.Headers.Add("traceparent", Traceparent(feedbackTrace));
            using var response = await labeler.SendAsync(request, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"feedback answered {(int)response.StatusCode}: {body}");
            var counts = JsonNode.Parse(body)!;
            Assert.Equal((shifted.Count, 0), ((int)counts["accepted"]!, (int)counts["pending"]!));
        }

        // 7. Monitoring submitted the labelled rows to Ingestion, which appended them to the dataset as version 2.
        var submission = await Eventually.ValueAsync(async () => (await monitoring.GetFromJsonAsync<JsonArray>($"feedback/submissions?model={Model}", cancel))!
            .Select(s => s!.AsObject()).FirstOrDefault(s => (string?)s["status"] != "pending"), Slow, () => "Ingestion to answer Monitoring's labelled-row submission");
        Assert.Equal(("accepted", 2, shifted.Count), ((string?)submission["status"], (int?)submission["datasetVersion"], (int)submission["rows"]!));

        // 8. The retrain started by itself, on the rows newer than the drift only, in the feedback's trace.
        var retrain = await Eventually.ValueAsync(async () => (await RunsAsync(training, cancel))
            .FirstOrDefault(r => (string?)r["trigger"] == "drift" && (string?)r["status"] is "succeeded" or "failed"), Slow, () => "the drift retrain to finish");
        Assert.True((string?)retrain["status"] == "succeeded", $"The drift retrain failed: {retrain.ToJsonString()}");
        Assert.Equal(TrainRows, (int)retrain["data"]!["rowFrom"]!);
        Assert.Equal((2, "feedback"), ((int)retrain["data"]!["versions"]![0]!["version"]!, (string?)retrain["data"]!["versions"]![0]!["source"]));
        Assert.Equal(feedbackTrace, (string?)retrain["traceId"]);

        // 9. The gate decided on the newest labelled rows, held out of training, scoring champion and challenger on them.
        var decision = await Eventually.ValueAsync(async () => (await registry.GetFromJsonAsync<JsonArray>($"models/{Model}/audit", cancel))!
            .Select(a => a!.AsObject()).FirstOrDefault(a => (int?)a["toVersion"] == 2), Slow, () => "the gate's decision on v2 in the Registry's audit");
        var promoted = (string?)decision["action"] switch
        {
            "gate" => true,
            "rejected" => false,
            var other => throw new Xunit.Sdk.XunitException($"v2's audit entry is '{other}', not a gate decision: {decision.ToJsonString()}"),
        };
        var reason = (string)decision["reason"]!;
        var gate = GateReason().Match(reason);
        Assert.True(gate.Success, $"The gate did not judge on the held-out newest rows with both scores: {reason}");
        var gateRows = int.Parse(gate.Groups["rows"].Value, CultureInfo.InvariantCulture);
        Assert.Equal((TrainRows + shifted.Count - gateRows, TrainRows + shifted.Count),
            (int.Parse(gate.Groups["from"].Value, CultureInfo.InvariantCulture), int.Parse(gate.Groups["to"].Value, CultureInfo.InvariantCulture)));
        Assert.InRange(gateRows, 50, shifted.Count / 2);
        var (challenger, champion) = (Score(gate, "challenger"), Score(gate, "champion"));
        Assert.Equal(1, (int?)decision["fromVersion"]);

        // 10. What the decision means: a promoted v2 is served; a rejected one leaves v1 in production and served.
        var versions = (await registry.GetFromJsonAsync<JsonObject>($"models/{Model}", cancel))!;
        Assert.Equal(promoted ? 2 : 1, (int?)versions["productionVersion"]);
        await Eventually.HoldsAsync(async () => (await PredictAsync(inference, holdout, 0, cancel)).Version == (promoted ? 2 : 1), Slow,
            () => $"Inference to serve v{(promoted ? 2 : 1)} after the gate's decision ({reason})");
        if (promoted) Assert.True(challenger < champion, $"v2 was promoted with RMSE {challenger} against the champion's {champion}.");

        // 11. The dashboard received the second half as one trace: feedback → labelled rows → retrain → register and gate → swap.
        ReceivedSpan[] expected = promoted
            ? [new("training", $"train {Model}"), new("registry", $"register {Model}"), new("inference", $"swap {Model}")]
            : [new("training", $"train {Model}"), new("registry", $"register {Model}")];
        var healing = await TraceHoldingAsync(dashboard, feedbackTrace, cancel, expected);
        Assert.Contains(healing, s => s.Service == "monitoring" && s.Name.StartsWith("POST /feedback", StringComparison.Ordinal));
        Assert.Contains(healing, s => s.Service == "ingestion");
        Assert.DoesNotContain(healing, s => s.Name == $"swap {Model}" && !promoted);
        await ScreenshotAsync(host, feedbackTrace, healing.Count, expected[^1].Name, "dashboard-trace-feedback-to-gate.png");
        output.WriteLine($"gate: {decision["action"]} v2: {reason}");
        output.WriteLine($"traces: upload {uploadTrace} ({trace.Count} spans), feedback {feedbackTrace} ({healing.Count} spans)");
    }

    /// <summary>The gate's recent-rows rule as <c>PromotionPolicy</c> words it, with the holdout's provenance.</summary>
    [GeneratedRegex(@"on (?<rows>\d+) newest rows held out of training \(diabetes v2 rows (?<from>\d+)-(?<to>\d+), from v2 feedback\): challenger rmse (?<challenger>[\d.]+), champion v1 (?<champion>[\d.]+)")]
    private static partial Regex GateReason();

    private static double Score(Match gate, string who) => double.Parse(gate.Groups[who].Value, CultureInfo.InvariantCulture);

    private static string Traceparent(string traceId) => $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    private static async Task<List<JsonObject>> RunsAsync(HttpClient training, CancellationToken cancel) =>
        (await training.GetFromJsonAsync<JsonArray>($"runs?model={Model}", cancel))!.Select(r => r!.AsObject()).ToList();

    private static async Task ScreenshotAsync(PlatformAppHost host, string traceId, int spans, string lastSpan, string name)
    {
        var screenshot = Path.Combine(ArtifactsDirectory(), name);
        await DashboardScreenshot.SaveTraceAsync(host.DashboardLogin, host.Dashboard, traceId, spans, lastSpan, screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"The screenshot {screenshot} is nearly empty.");
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

    private static async Task<(int Version, double[] Predictions, string[] Ids)> PredictAsync(HttpClient inference, Table rows, double shift, CancellationToken cancel, Table? reference = null)
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
            document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray(),
            document.RootElement.GetProperty("predictionIds").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    private static double StdDev(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>TestResults/apphost at the repository root (CI keeps TestResults as an artifact), or PLATFORM_TEST_ARTIFACTS.</summary>
    private static string ArtifactsDirectory() =>
        Environment.GetEnvironmentVariable("PLATFORM_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryFiles.Root, "TestResults", "apphost");
}
