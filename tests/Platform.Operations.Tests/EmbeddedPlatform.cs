using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.Operations.Tests;

[CollectionDefinition(Name)]
public sealed class EmbeddedPlatformCollection : ICollectionFixture<EmbeddedPlatform>
{
    public const string Name = "embedded platform";
}

/// <summary>
/// One embedded default for the operations tests, driven through the README's loop: diabetes uploaded and trained,
/// the holdout predicted three times shifted far from the training data, so that a 200-row window closes
/// drifted, then once as it is. The webhook notifier is on, pointed at a <see cref="WebhookReceiver"/>.
/// </summary>
public sealed class EmbeddedPlatform : IAsyncLifetime
{
    public const string ApiKey = "operations-test-key";
    public const string WebhookSecret = "operations-test-webhook-secret";
    public static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    public WebhookReceiver Webhooks { get; } = new();
    public StandaloneProcess Standalone { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Webhooks.StartAsync();
        Standalone = await StandaloneProcess.StartAsync([
            "--Monitoring:WindowRows", "200", "--Training:Trainers:0", "sdca", "--Training:Repeats", "1",
            $"--Auth:Keys:{ApiKey}", "producer,consumer,operator",
            "--Notifications:Webhook:Url", Webhooks.Url.ToString(),
            "--Notifications:Webhook:Secret", WebhookSecret,
        ]);
        Http = Standalone.CreateClient(ApiKey);

        using (var csv = new StreamContent(File.OpenRead(SharedData.PathOf("diabetes_train.csv"))))
        {
            csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var upload = await Http.PostAsync("datasets/diabetes?target=target&task=regression", csv);
            Assert.True(upload.IsSuccessStatusCode, $"upload answered {(int)upload.StatusCode}: {await upload.Content.ReadAsStringAsync()}");
        }

        await Standalone.UntilAsync(async () => (await Http.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, Slow, "the first version to be served");
        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        // Shifted first, so that the first 200-row window is all shifted; the plain holdout stays in the next, open window.
        for (var i = 0; i < 3; i++) await PredictAsync(holdout, shift: 0.4);
        await PredictAsync(holdout, shift: 0);
        await Standalone.UntilAsync(async () => (await MetricsAsync()).Contains("platform_monitoring_feature_drift_score{", StringComparison.Ordinal),
            Slow, "a drifted window's statistics on /metrics");
    }

    public async Task<string> MetricsAsync()
    {
        using var anonymous = Standalone.CreateClient();
        return await anonymous.GetStringAsync("metrics");
    }

    private async Task PredictAsync(Table rows, double shift)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![row] + shift;
            instances.Add(instance);
        }

        using var response = await Http.PostAsJsonAsync("models/diabetes/predict", new JsonObject { ["instances"] = instances });
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Standalone is not null) await Standalone.DisposeAsync();
        await Webhooks.DisposeAsync();
    }
}
