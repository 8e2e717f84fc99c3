using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Tests;
using Xunit.Abstractions;

namespace Platform.IntegrationTests;

/// <summary>
/// Promotions whose events never reach a replica (its bus is disconnected, so its temporary queue is gone) over real
/// RabbitMQ and PostgreSQL: Inference and Monitoring follow the Registry by reconciliation alone.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReconciliationTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const string Instance = """{"age":0.0453,"sex":-0.0446,"bmi":-0.0062,"bp":-0.0160,"s1":0.1250,"s2":0.1252,"s3":0.0192,"s4":0.0343,"s5":0.0324,"s6":-0.0052}""";

    [Fact]
    public async Task A_promotion_and_a_rollback_missed_by_disconnected_replicas_are_served_and_monitored_after_reconciliation()
    {
        var hosts = fixture.Hosts;
        var observer = fixture.Observer;
        var model = $"reconcile-{hosts.RunId}";
        using var ingestion = hosts.Client("ingestion");
        using var registry = hosts.Client("registry");
        using var inference = hosts.Client("inference");

        await ingestion.UploadDatasetAsync(model, "diabetes_train.csv", "target=target&task=regression");
        await observer.WaitForAsync<ModelTrained>(t => t.ModelName == model, Slow);
        await observer.WaitForAsync<ModelPromoted>(p => p.ModelName == model && p.Version == 1, Slow);

        var replicaSettings = new Dictionary<string, string?>
        {
            ["Messaging:PurgeOnStartup"] = "false", // the suite's queues are shared: a replica must not empty them
            ["Inference:ReconcileInterval"] = Interval.ToString(),
            ["Monitoring:ReconcileInterval"] = Interval.ToString(),
        };
        await using var servingReplica = await hosts.StartReplicaAsync("inference", replicaSettings);
        await using var monitoringReplica = await hosts.StartReplicaAsync("monitoring", replicaSettings);
        using var serving = servingReplica.Client();
        using var monitoring = monitoringReplica.Client();
        await Eventually.HoldsAsync(async () => await ServedVersionAsync(serving, model) == 1, Slow, "the replica to serve v1 after start-up");
        await Eventually.HoldsAsync(async () => await ReferenceVersionAsync(monitoring, model) == 1, Slow, "the Monitoring replica to hold v1's reference");

        await servingReplica.StopBusAsync();
        await monitoringReplica.StopBusAsync();

        // v2: a real retrain (the Registry confirms every run with Training, so a forged ModelTrained is refused);
        // promoted by the gate, or by hand if the gate keeps v1.
        using var training = hosts.Client("training");
        (await training.PostAsJsonAsync($"models/{model}/retrain", new { reason = "test" })).EnsureSuccessStatusCode();
        await Eventually.HoldsAsync(() => observer.All<ModelPromoted>().Any(p => p.ModelName == model && p.Version == 2)
            || observer.All<ModelRejected>().Any(r => r.ModelName == model && r.Version == 2), Slow, "the Registry to decide on v2");
        if (!observer.All<ModelPromoted>().Any(p => p.ModelName == model && p.Version == 2))
            (await registry.PostAsJsonAsync($"models/{model}/versions/2/promote", new { reason = "test" })).EnsureSuccessStatusCode();
        var promoted = Stopwatch.StartNew();

        await Eventually.HoldsAsync(async () => await ServedVersionAsync(serving, model) == 2, Slow, "the disconnected replica to serve v2");
        output.WriteLine($"promotion missed by a disconnected replica: served after {promoted.Elapsed.TotalSeconds:F1} s (interval {Interval.TotalSeconds} s)");
        await Eventually.HoldsAsync(async () => await ReferenceVersionAsync(monitoring, model) == 2, Slow, "the disconnected Monitoring replica to hold v2's reference");
        output.WriteLine($"promotion missed by Monitoring: reference after {promoted.Elapsed.TotalSeconds:F1} s");
        await Eventually.HoldsAsync(async () => await ServedVersionAsync(inference, model) == 2, Slow, "the connected replica to serve v2");

        (await registry.PostAsJsonAsync($"models/{model}/rollback", new { reason = "test" })).EnsureSuccessStatusCode();
        var rolledBack = Stopwatch.StartNew();
        await Eventually.HoldsAsync(async () => await ServedVersionAsync(serving, model) == 1, Slow, "the disconnected replica to serve v1 again");
        output.WriteLine($"rollback missed by a disconnected replica: served after {rolledBack.Elapsed.TotalSeconds:F1} s");
        await Eventually.HoldsAsync(async () => await ReferenceVersionAsync(monitoring, model) == 1, Slow, "the disconnected Monitoring replica to hold v1's reference");
        await Eventually.HoldsAsync(async () => await ServedVersionAsync(inference, model) == 1, Slow, "the connected replica to serve v1 again");
    }

    private static async Task<int?> ServedVersionAsync(HttpClient inference, string model)
    {
        using var response = await inference.PostAsync($"models/{model}/predict",
            new StringContent($$"""{"instances":[{{Instance}}]}""", System.Text.Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) return null;
        return (int?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"];
    }

    private static async Task<int?> ReferenceVersionAsync(HttpClient monitoring, string model)
    {
        using var response = await monitoring.GetAsync($"drift/{model}/reference");
        if (!response.IsSuccessStatusCode) return null;
        return (int?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"];
    }
}
