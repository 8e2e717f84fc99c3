using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.IntegrationTests;

/// <summary>
/// The whole loop over real RabbitMQ and PostgreSQL, driven from outside: upload → train → register → serve →
/// shifted inputs → drift → retrain → gate → swap, with one trace per half.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RetrainLoopTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Upload_trains_serves_detects_drift_retrains_and_gates_in_two_traces()
    {
        var hosts = fixture.Hosts;
        var observer = fixture.Observer;
        var model = $"diabetes-{hosts.RunId}";
        using var ingestion = hosts.Client("ingestion");
        using var inference = hosts.Client("inference");
        using var registry = hosts.Client("registry");
        using var training = hosts.Client("training");
        using var monitoring = hosts.Client("monitoring");

        // 1. Upload, under a root span of the test's own: the instrumented HttpClient carries it to Ingestion.
        ActivityTraceId uploadTrace;
        using (var root = PlatformTelemetry.Source.StartActivity("integration test: upload", ActivityKind.Client, parentContext: default))
        {
            Assert.NotNull(root);
            uploadTrace = root.TraceId;
            await ingestion.UploadDatasetAsync(model, "diabetes_train.csv", "target=target&task=regression");
        }

        // 2. The first version is promoted and served; Monitoring holds its reference.
        var promoted = await observer.WaitForAsync<ModelPromoted>(p => p.ModelName == model, Slow);
        Assert.Equal(1, promoted.Version);
        await WaitUntilAsync(async () => (await inference.GetAsync($"models/{model}/signature")).IsSuccessStatusCode, Slow, "Inference to serve v1");
        await WaitUntilAsync(async () => (await monitoring.GetAsync($"drift/{model}/reference")).IsSuccessStatusCode, Slow, "Monitoring to hold the reference");

        // 3. Predictions on held-out rows are those of a real model.
        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        var predictions = await PredictAsync(inference, model, holdout, shiftInStd: 0, reference: null);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
        var baseline = Math.Sqrt(actual.Select(y => (y - actual.Average()) * (y - actual.Average())).Average());
        Assert.True(rmse < 0.85 * baseline, $"Holdout RMSE {rmse:F2} is not clearly better than predicting the mean ({baseline:F2}).");
        Assert.InRange(rmse, 40, 65); // ordinary least squares reaches about 53.9 on this split

        // 4. One trace spans the upload, the training, the registration and the swap.
        await WaitUntilAsync(() => Task.FromResult(hosts.Trace(uploadTrace).Any(s => s.DisplayName == $"swap {model}")), TimeSpan.FromSeconds(30),
            () => $"the swap span in trace {uploadTrace}; it holds: {Describe(hosts.Trace(uploadTrace))}; swap spans elsewhere: {Describe(hosts.Spans.Where(s => s.DisplayName.StartsWith("swap", StringComparison.Ordinal)).ToList())}");
        var firstHalf = hosts.Trace(uploadTrace).Select(s => s.DisplayName).ToList();
        Assert.Contains(firstHalf, n => n.StartsWith("POST", StringComparison.Ordinal) && n.Contains("datasets", StringComparison.Ordinal));
        Assert.Contains($"train {model}", firstHalf);
        Assert.Contains($"register {model}", firstHalf);
        Assert.Contains($"swap {model}", firstHalf);

        // 5. Inputs shifted by several standard deviations drift.
        var reference = CsvTableReader.Read(SharedData.PathOf("diabetes_train.csv"));
        for (var i = 0; i < 3; i++) await PredictAsync(inference, model, holdout, shiftInStd: 4, reference);
        var drift = await observer.WaitForAsync<DriftDetected>(d => d.ModelName == model, Slow);
        Assert.Equal(1, drift.Version);
        Assert.True(drift.DriftedShare >= drift.Threshold);
        Assert.All(drift.Features.Where(f => f.Drifted), f => Assert.True(f.PValue < 0.05));
        Assert.Contains(drift.Features, f => f.Feature == "bmi" && f.Test == "ks" && f.Drifted);

        // 6. Training retrains with trigger "drift"; the gate decides; the decision is applied.
        var decided = await WaitForDecisionAsync(observer, model, 2);
        var runs = await training.GetFromJsonAsync<JsonArray>($"runs?model={model}");
        var driftRun = runs!.Select(r => r!.AsObject()).Single(r => (string?)r["trigger"] == "drift");
        Assert.Equal("succeeded", (string?)driftRun["status"]);
        var registered = await registry.GetFromJsonAsync<JsonObject>($"models/{model}");
        var v2 = registered!["versions"]!.AsArray().Single(v => (int)v!["version"]! == 2)!;
        if (decided is ModelPromoted)
        {
            Assert.Equal("production", (string?)v2["stage"]);
            await WaitUntilAsync(async () => await ServedVersionAsync(inference, model, holdout) == 2, Slow, "Inference to swap to v2");
        }
        else
        {
            Assert.Equal("rejected", (string?)v2["stage"]);
            Assert.Equal(1, (int?)registered["productionVersion"]);
            Assert.Equal(1, await ServedVersionAsync(inference, model, holdout));
        }

        // 7. The second half is one trace too: drift check → retrain → registration.
        var driftTrace = ActivityTraceId.CreateFromString((string)driftRun["traceId"]!);
        await WaitUntilAsync(() => Task.FromResult(hosts.Trace(driftTrace).Any(s => s.DisplayName == $"register {model}")), TimeSpan.FromSeconds(30),
            () => $"the registration span of the retrain in trace {driftTrace}; it holds: {Describe(hosts.Trace(driftTrace))}");
        var secondHalf = hosts.Trace(driftTrace).Select(s => s.DisplayName).ToList();
        Assert.Contains($"drift check {model}", secondHalf);
        Assert.Contains($"train {model}", secondHalf);
        Assert.Contains($"register {model}", secondHalf);
        Assert.NotEqual(uploadTrace, driftTrace);
    }

    [Fact]
    public async Task Redelivered_ModelTrained_creates_no_second_version()
    {
        var hosts = fixture.Hosts;
        var observer = fixture.Observer;
        var model = $"redelivery-{hosts.RunId}";
        using var ingestion = hosts.Client("ingestion");
        using var registry = hosts.Client("registry");

        await ingestion.UploadDatasetAsync(model, "diabetes_train.csv", "target=target");

        var trained = await observer.WaitForAsync<ModelTrained>(t => t.ModelName == model, Slow);
        await observer.WaitForAsync<ModelPromoted>(p => p.ModelName == model, Slow);

        // The same event again, then a sentinel behind it on the same queue: once the sentinel is registered,
        // the duplicate has been consumed (the Registry consumes one message at a time, in order). The sentinel is a
        // real training (the Registry registers only runs Training confirms), published after the duplicate.
        await observer.Publisher.Publish(trained);
        var sentinel = $"{model}-sentinel";
        await ingestion.UploadDatasetAsync(sentinel, "diabetes_train.csv", "target=target");
        await observer.WaitForAsync<ModelPromoted>(p => p.ModelName == sentinel, Slow);

        var registered = await registry.GetFromJsonAsync<JsonObject>($"models/{model}");
        var versions = registered!["versions"]!.AsArray();
        Assert.Single(versions);
        Assert.Equal(trained.RunId.ToString(), (string?)versions[0]!["lineage"]!["runId"]);
    }

    private static async Task<double[]> PredictAsync(HttpClient inference, string model, Table rows, double shiftInStd, Table? reference)
    {
        var features = rows.Columns.Where(c => c.Name != "target").ToArray();
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in features)
            {
                var shift = reference is null ? 0 : shiftInStd * StdDev(reference[column.Name].Numbers!);
                instance[column.Name] = column.Numbers![row] + shift;
            }

            instances.Add(instance);
        }

        using var response = await inference.PostAsJsonAsync($"models/{model}/predict", new JsonObject { ["instances"] = instances });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray();
    }

    private static async Task<int> ServedVersionAsync(HttpClient inference, string model, Table rows)
    {
        var one = rows.SelectRows([0]);
        var instance = new JsonObject();
        foreach (var column in one.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![0];
        using var response = await inference.PostAsJsonAsync($"models/{model}/predict", new JsonObject { ["instances"] = new JsonArray(instance) });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (int)body!["version"]!;
    }

    private static async Task<object> WaitForDecisionAsync(BusObserver observer, string model, int version)
    {
        var deadline = DateTime.UtcNow + Slow;
        while (DateTime.UtcNow < deadline)
        {
            object? decided = observer.All<ModelPromoted>().FirstOrDefault(p => p.ModelName == model && p.Version == version)
                ?? (object?)observer.All<ModelRejected>().FirstOrDefault(r => r.ModelName == model && r.Version == version);
            if (decided is not null) return decided;
            await Task.Delay(200);
        }

        throw new TimeoutException($"No gate decision for {model} v{version}.");
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => WaitUntilAsync(condition, timeout, () => what);

    private static string Describe(IEnumerable<Activity> spans) =>
        string.Join("; ", spans.Select(s => $"{s.DisplayName} [{s.Source.Name}] {s.TraceId}/{s.ParentSpanId}"));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
    }

    private static double StdDev(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
