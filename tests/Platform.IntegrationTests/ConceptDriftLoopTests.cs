using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.IntegrationTests;

/// <summary>
/// Ground truth over the real loop: predictions served by Inference carry ids, their log batches reach Monitoring over
/// RabbitMQ, a client posts the actual values to <c>POST /feedback</c>, and live quality far below the holdout's is
/// concept drift (a <c>DriftDetected</c> of kind "concept").
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConceptDriftLoopTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Feedback_far_worse_than_the_holdout_raises_concept_drift()
    {
        var hosts = fixture.Hosts;
        var observer = fixture.Observer;
        var model = $"concept-{hosts.RunId}";
        using var ingestion = hosts.Client("ingestion");
        using var inference = hosts.Client("inference");
        using var monitoring = hosts.Client("monitoring");

        await ingestion.UploadDatasetAsync(model, "diabetes_train.csv", "target=target&task=regression");

        var promoted = await observer.WaitForAsync<ModelPromoted>(p => p.ModelName == model, Slow);
        Assert.True(promoted.HoldoutMetrics!.ContainsKey("rmse"));
        await WaitUntilAsync(async () => (await inference.GetAsync($"models/{model}/signature")).IsSuccessStatusCode, "Inference to serve v1");
        await WaitUntilAsync(async () => (await monitoring.GetAsync($"drift/{model}/reference")).IsSuccessStatusCode, "Monitoring to hold the reference");

        // 267 predictions on held-out rows (a quality window is 200), answered with actual values 200 higher than the truth.
        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        var feedback = new JsonArray();
        for (var round = 0; round < 3; round++)
        {
            var ids = await PredictAsync(inference, model, holdout);
            for (var row = 0; row < ids.Length; row++)
                feedback.Add(new JsonObject { ["predictionId"] = ids[row], ["actual"] = holdout["target"].Numbers![row] + 200 });
        }

        using (var response = await monitoring.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = feedback }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(267, (int)body!["accepted"]!);
        }

        var drift = await observer.WaitForAsync<DriftDetected>(d => d.ModelName == model && d.Kind == DriftKinds.Concept, Slow);
        Assert.Equal(1, drift.Version);
        Assert.Equal(200, drift.WindowRows);
        Assert.True(drift.DriftedShare > drift.Threshold);

        var reports = await monitoring.GetFromJsonAsync<JsonArray>($"drift/{model}");
        var concept = reports!.Select(r => r!.AsObject()).Single(r => (string?)r["kind"] == "concept");
        Assert.Equal("rmse", (string?)concept["qualityMetric"]);
        Assert.True((double)concept["liveQuality"]! > 150);
        Assert.Equal(promoted.HoldoutMetrics!["rmse"], (double)concept["holdoutQuality"]!, 9);
        Assert.True((bool)concept["eventPublished"]!);

        using var invalid = await monitoring.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    private static async Task<string[]> PredictAsync(HttpClient inference, string model, Table rows)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![row];
            instances.Add(instance);
        }

        using var response = await inference.PostAsJsonAsync($"models/{model}/predict", new JsonObject { ["instances"] = instances });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetString()!).ToArray();
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, Slow, what);
}
