using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.IntegrationTests;

/// <summary>
/// The embedded default as a user runs it: the Standalone program as its own process, SQLite and the in-memory bus,
/// driven only over HTTP, through the loop the README shows with curl.
/// </summary>
public sealed class EmbeddedDefaultTests : IAsyncLifetime
{
    private const string ApiKey = "embedded-default-test-key";
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);
    private StandaloneProcess? _standalone;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _standalone = await StandaloneProcess.StartAsync([
            "--Monitoring:WindowRows", "200", "--Training:Trainers:0", "sdca", "--Training:Repeats", "1",
            "--Auth:Keys:test:Key", ApiKey, "--Auth:Keys:test:Roles", "producer,consumer,operator", "--Platform:ServiceKey", ApiKey,
            "--Training:DataPolicy:MinNewRows", "200", "--Monitoring:LabelledBatchRows", "100",
        ]);
        _http = _standalone.CreateClient(ApiKey);
    }

    [Fact]
    public async Task Embedded_default_heals_after_drift_once_the_truth_for_the_shifted_inputs_arrives()
    {
        await _http.UploadDatasetAsync("diabetes", "diabetes_train.csv", "target=target&task=regression");

        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        await WaitUntilAsync(async () => (await _http.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, Slow, "the first version to be served");
        var (predictions, _, _) = await PredictAsync(holdout, shift: 0);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
        Assert.InRange(rmse, 40, 65);

        // Far outside the training data: every feature moved by 0.4 (about eight standard deviations).
        var feedback = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var (_, ids, _) = await PredictAsync(holdout, shift: 0.4);
            for (var row = 0; row < ids.Length; row++) feedback.Add(new JsonObject { ["predictionId"] = ids[row], ["actual"] = actual[row] });
        }

        var (_, extra, _) = await PredictAsync(holdout.SelectRows([0]), shift: 0.4);

        // Drift, but no labelled row newer than it: the model waits rather than retraining the same bytes.
        await WaitUntilAsync(async () => (await _http.GetFromJsonAsync<JsonArray>("runs?model=diabetes"))!
            .Any(r => (string?)r!["status"] == "awaiting-data" && (string?)r["stage"] == "awaiting labelled data: 0 of 200 rows"), Slow, "the wait for labelled data");
        var reports = await _http.GetFromJsonAsync<JsonArray>("drift/diabetes");
        Assert.Contains(reports!, r => (bool)r!["eventPublished"]! && (double)r["driftedShare"]! >= 0.3);

        // The truth comes back, with what a client may get wrong: an answer for a prediction nobody made, a repeat, a
        // label for a regression. They are counted in the answer and never become training rows.
        var labelled = feedback.Count;
        feedback.Add(new JsonObject { ["predictionId"] = Guid.NewGuid().ToString(), ["actual"] = 100.0 });
        feedback.Add(new JsonObject { ["predictionId"] = (string)feedback[0]!["predictionId"]!, ["actual"] = 1.0 });
        feedback.Add(new JsonObject { ["predictionId"] = extra[0], ["actual"] = "tall" });
        using (var response = await _http.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = feedback }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var counts = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            // The unknown one is held as pending (its log might still come). The label is refused at once, or, should its
            // prediction's log not have reached Monitoring yet, held as pending and dropped when joined: never a row either way.
            var (accepted, pending, wrongType) = ((int)counts["accepted"]!, (int)counts["pending"]!, (int)counts["wrongType"]!);
            Assert.Equal((labelled, 1, 2), (accepted - pending, (int)counts["duplicates"]!, wrongType + pending));
        }

        // The retrain starts by itself on the labelled rows, and the gate judges on the newest of them.
        await WaitUntilAsync(async () =>
        {
            var runs = await _http.GetFromJsonAsync<JsonArray>("runs?model=diabetes");
            return runs!.Any(r => (string?)r!["trigger"] == "drift" && (string?)r["status"] == "succeeded");
        }, Slow, "a retrain with trigger drift");

        await WaitUntilAsync(async () => (await _http.GetFromJsonAsync<JsonObject>("models/diabetes"))!["versions"]!.AsArray().Count == 2, Slow, "version 2");
        async Task<int> SubmittedRowsAsync() => (await _http.GetFromJsonAsync<JsonArray>("feedback/submissions?model=diabetes"))!
            .Where(x => (string?)x!["status"] == "accepted").Sum(x => (int)x!["rows"]!);
        await WaitUntilAsync(async () => await SubmittedRowsAsync() >= labelled, Slow, "every labelled row to reach the dataset");
        Assert.Equal(labelled, await SubmittedRowsAsync());
        var audit = await _http.GetFromJsonAsync<JsonArray>("models/diabetes/audit");
        var decision = audit!.First(a => (int?)a!["toVersion"] == 2)!;
        Assert.True((string?)decision["action"] == "gate", $"v2 was not promoted: {decision}");
        Assert.Contains("newest rows held out of training", (string)decision["reason"]!);
        await WaitUntilAsync(async () => (await PredictAsync(holdout.SelectRows([0]), shift: 0.4)).Version == 2, Slow, "Inference to serve v2");
    }

    private async Task<(double[] Predictions, string[] Ids, int Version)> PredictAsync(Table rows, double shift)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![row] + shift;
            instances.Add(instance);
        }

        using var response = await _http.PostAsJsonAsync("models/diabetes/predict", new JsonObject { ["instances"] = instances });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        return (body!["predictions"]!.AsArray().Select(p => (double)p!).ToArray(), body["predictionIds"]!.AsArray().Select(p => (string)p!).ToArray(),
            (int)body["version"]!);
    }

    private Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => _standalone!.UntilAsync(condition, timeout, what);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_standalone is not null) await _standalone.DisposeAsync();
    }
}
