using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Bench.Scenarios;

/// <summary>The platform's public HTTP API, as a producer, a consumer and an operator reading state use it.</summary>
public sealed class PlatformClient(Uri ingestion, Uri inference, Uri monitoring, Uri training, Uri registry, string? key) : IDisposable
{
    private readonly HttpClient _http = Create(key);

    private static HttpClient Create(string? key)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        if (!string.IsNullOrEmpty(key)) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    public async Task UploadAsync(string model, string csv, string task)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await _http.PostAsync(new Uri(ingestion, $"datasets/{model}?target=y&task={task}"), content);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <returns>The version that answered, the outputs and the prediction ids; null while nothing is served.</returns>
    public async Task<(int Version, string[] Outputs, string[] Ids)?> PredictAsync(string model, IReadOnlyList<double[]> rows)
    {
        var instances = new JsonArray();
        foreach (var x in rows)
        {
            var instance = new JsonObject();
            for (var i = 0; i < x.Length; i++) instance[World.Features[i]] = x[i];
            instances.Add(instance);
        }

        using var response = await _http.PostAsJsonAsync(new Uri(inference, $"models/{model}/predict"), new JsonObject { ["instances"] = instances });
        if (!response.IsSuccessStatusCode) return null;
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        // A classifier's prediction is {"label", "probabilities"}; a regression's a number.
        return ((int)body["version"]!, body["predictions"]!.AsArray().Select(p => p is JsonObject o ? (string)o["label"]! : p!.ToString()).ToArray(),
            body["predictionIds"]!.AsArray().Select(p => (string)p!).ToArray());
    }

    public async Task FeedbackAsync(IReadOnlyList<(string Id, string Actual, bool Numeric)> items)
    {
        var feedback = new JsonArray();
        foreach (var (id, actual, numeric) in items)
            feedback.Add(new JsonObject { ["predictionId"] = id, ["actual"] = numeric ? JsonValue.Create(double.Parse(actual, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(actual) });
        using var response = await _http.PostAsJsonAsync(new Uri(monitoring, "feedback"), new JsonObject { ["feedback"] = feedback });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"feedback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Runs of the model that started training (waits for labelled data are not runs).</summary>
    public async Task<List<JsonObject>> RunsAsync(string model) =>
        (await _http.GetFromJsonAsync<JsonArray>(new Uri(training, $"runs?model={model}")))!.Select(r => r!.AsObject())
            .Where(r => (string?)r["status"] != "awaiting-data").ToList();

    public async Task<JsonArray> AuditAsync(string model) => (await _http.GetFromJsonAsync<JsonArray>(new Uri(registry, $"models/{model}/audit")))!;

    public void Dispose() => _http.Dispose();
}
