using Platform.ServiceDefaults;
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
/// The whole loop over real RabbitMQ and PostgreSQL with separate service hosts, driven from outside: upload → train →
/// register → serve → shifted inputs → drift → "awaiting labelled data" → feedback → labelled rows through Ingestion →
/// retrain on them by itself → gate on the newest rows → swap, with one trace per half.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RetrainLoopTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Upload_trains_serves_detects_drift_waits_for_labelled_rows_then_heals_in_two_traces()
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

        // 5. Inputs shifted by several standard deviations drift (the truth for them stays the holdout's target).
        var reference = CsvTableReader.Read(SharedData.PathOf("diabetes_train.csv"));
        var shifted = new List<(string Id, double Actual)>();
        for (var i = 0; i < 3; i++)
        {
            var ids = await PredictIdsAsync(inference, model, holdout, shiftInStd: 4, reference);
            shifted.AddRange(ids.Select((id, row) => (id, actual[row])));
        }

        var drift = await observer.WaitForAsync<DriftDetected>(d => d.ModelName == model, Slow);
        Assert.Equal(1, drift.Version);
        Assert.True(drift.DriftedShare >= drift.Threshold);
        Assert.All(drift.Features.Where(f => f.Drifted), f => Assert.True(f.PValue < 0.05));
        Assert.Contains(drift.Features, f => f.Feature == "bmi" && f.Test == "ks" && f.Drifted);

        // 6. No labelled row is newer than the drift: the model waits instead of retraining the same bytes, and says so.
        const string waiting = "awaiting labelled data: 0 of 200 rows";
        await WaitUntilAsync(async () => (await training.GetFromJsonAsync<JsonArray>($"runs?model={model}"))!
            .Any(r => (string?)r!["status"] == "awaiting-data" && (string?)r["stage"] == waiting), Slow, "the run list to show the wait");
        await WaitUntilAsync(async () => (await monitoring.GetFromJsonAsync<JsonArray>($"drift/{model}"))!
            .Any(r => ((string)r!["decision"]!).Contains(waiting, StringComparison.Ordinal)), Slow, "the drift report to show the wait");
        Assert.DoesNotContain(observer.All<ModelTrained>(), t => t.ModelName == model && t.Trigger == TriggerNames.Drift);

        // 7. The truth arrives: the labelled rows go through Ingestion as an appended feedback version, the retrain starts by itself.
        var feedback = new JsonArray();
        foreach (var (id, value) in shifted) feedback.Add(new JsonObject { ["predictionId"] = id, ["actual"] = value });
        using (var response = await monitoring.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = feedback }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(shifted.Count, (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!);
        }

        var labelled = await observer.WaitForAsync<DatasetUploaded>(d => d.DatasetName == model && d.Source == DatasetSources.Feedback, Slow);
        Assert.Equal((2, 1, 353L + shifted.Count), (labelled.Version, labelled.AppendedTo, labelled.RowCount));
        Assert.Contains("/feedback/submissions/", labelled.Lineage!.Reference);
        var decided = await WaitForDecisionAsync(observer, model, 2);
        var trained = observer.All<ModelTrained>().Single(t => t.ModelName == model && t.Trigger == TriggerNames.Drift);
        var gate = trained.Gate!;
        Assert.Equal((2, 353 + shifted.Count, 1), (gate.DatasetVersion, gate.RowTo, gate.ChampionVersion));
        Assert.Contains("v2 feedback", gate.Provenance);

        var runs = await training.GetFromJsonAsync<JsonArray>($"runs?model={model}");
        var driftRun = runs!.Select(r => r!.AsObject()).Single(r => (string?)r["trigger"] == "drift" && (string?)r["status"] != "awaiting-data");
        Assert.Equal("succeeded", (string?)driftRun["status"]);
        Assert.Equal(353, (int)driftRun["data"]!["rowFrom"]!);
        Assert.Equal(2, (int)driftRun["data"]!["versions"]![0]!["version"]!);
        Assert.Equal("feedback", (string?)driftRun["data"]!["versions"]![0]!["source"]);

        // 8. The champion knows nothing of the shifted world; the challenger learnt it: promoted, audited with both scores, served.
        Assert.IsType<ModelPromoted>(decided);
        var audit = await registry.GetFromJsonAsync<JsonArray>($"models/{model}/audit");
        var reason = (string)audit!.First(a => (int?)a!["toVersion"] == 2)!["reason"]!;
        Assert.Contains("newest rows held out of training", reason);
        Assert.Contains("champion v1", reason);
        await WaitUntilAsync(async () => await ServedVersionAsync(inference, model, holdout) == 2, Slow, "Inference to swap to v2");
        var labelledSubmissions = await monitoring.GetFromJsonAsync<JsonArray>($"feedback/submissions?model={model}");
        Assert.Contains(labelledSubmissions!, s => (string?)s!["status"] == "accepted" && (int?)s["datasetVersion"] == 2);

        // 9. The second half is one trace too: from the labelled rows to the retrain and its registration.
        var driftTrace = ActivityTraceId.CreateFromString((string)driftRun["traceId"]!);
        await WaitUntilAsync(() => Task.FromResult(hosts.Trace(driftTrace).Any(s => s.DisplayName == $"register {model}")), TimeSpan.FromSeconds(30),
            () => $"the registration span of the retrain in trace {driftTrace}; it holds: {Describe(hosts.Trace(driftTrace))}");
        var secondHalf = hosts.Trace(driftTrace).Select(s => s.DisplayName).ToList();
        Assert.Contains($"train {model}", secondHalf);
        Assert.Contains($"register {model}", secondHalf);
        Assert.NotEqual(uploadTrace, driftTrace);

        // 10. More truth for the changed world (v2 serves it; its reference is the rows it trained on, so no new drift): once
        // the rows since the drift are 1.5 times the retrain's, Training follows up by itself on all of them, and the gate judges.
        var more = new JsonArray();
        for (var i = 0; i < 2; i++)
        {
            var ids = await PredictIdsAsync(inference, model, holdout, shiftInStd: 4, reference);
            for (var row = 0; row < ids.Length; row++) more.Add(new JsonObject { ["predictionId"] = ids[row], ["actual"] = actual[row] });
        }

        using (var response = await monitoring.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = more }))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var followUp = await observer.WaitForAsync<ModelTrained>(t => t.ModelName == model && t.Trigger == TriggerNames.Drift && t.RunId != trained.RunId, Slow);
        await WaitForDecisionAsync(observer, model, 3);
        var followUpRun = await training.GetFromJsonAsync<JsonObject>($"runs/{followUp.RunId}");
        Assert.Equal(353, (int)followUpRun!["data"]!["rowFrom"]!);
        Assert.True((int)followUpRun["data"]!["rowTo"]! >= 353 + (int)Math.Ceiling(1.5 * shifted.Count), $"follow-up data: {followUpRun["data"]}");
        Assert.True(followUp.Gate!.RowFrom >= gate.RowTo, "the follow-up's gate rows are newer than every row of the first retrain");
        Assert.DoesNotContain(await monitoring.GetFromJsonAsync<JsonArray>($"drift/{model}") ?? [], r => (int?)r!["version"] == 2 && (bool)r["eventPublished"]!);
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
        using var document = await PredictDocumentAsync(inference, model, rows, shiftInStd, reference);
        return document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray();
    }

    private static async Task<string[]> PredictIdsAsync(HttpClient inference, string model, Table rows, double shiftInStd, Table? reference)
    {
        using var document = await PredictDocumentAsync(inference, model, rows, shiftInStd, reference);
        return document.RootElement.GetProperty("predictionIds").EnumerateArray().Select(p => p.GetString()!).ToArray();
    }

    private static async Task<JsonDocument> PredictDocumentAsync(HttpClient inference, string model, Table rows, double shiftInStd, Table? reference)
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
        return JsonDocument.Parse(body);
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

    private static Task<object> WaitForDecisionAsync(BusObserver observer, string model, int version) => Eventually.ValueAsync(() => Task.FromResult(
            observer.All<ModelPromoted>().FirstOrDefault(p => p.ModelName == model && p.Version == version)
            ?? (object?)observer.All<ModelRejected>().FirstOrDefault(r => r.ModelName == model && r.Version == version)),
        Slow, () => $"a gate decision for {model} v{version}");

    private static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => WaitUntilAsync(condition, timeout, () => what);

    private static string Describe(IEnumerable<Activity> spans) =>
        string.Join("; ", spans.Select(s => $"{s.DisplayName} [{s.Source.Name}] {s.TraceId}/{s.ParentSpanId}"));

    private static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) => Eventually.HoldsAsync(condition, timeout, what);

    private static double StdDev(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
