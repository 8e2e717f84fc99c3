using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Platform.ChaosTests;

/// <summary>The run queue under load: other models do not wait behind a long run; retrains asked while one waits become one run.</summary>
[Collection(ChaosCollection.Name)]
public sealed class RunQueueTests
{
    [Fact]
    public async Task A_second_model_trains_beside_a_running_one_and_queued_retrains_collapse_into_one_run()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var busy = platform.ModelName("busy");
        var other = platform.ModelName("other");
        using var training = platform.Client("training");
        await platform.UploadAsync(busy);
        await platform.RunReachesAsync(busy, "training");

        // While the first run of `busy` trains: five retrains of it, and another model's upload.
        for (var i = 0; i < 5; i++)
        {
            using var accepted = await training.PostAsJsonAsync($"models/{busy}/retrain", new { reason = "chaos test" });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await platform.UploadAsync(other, "diabetes.csv");

        // What this test asserts is the order of the runs, not their speed: three full searches in a row on a shared
        // machine can take minutes, so the wait is long, and it ends at once when a run fails (with that run's error).
        await Eventually.HoldsAsync(async () =>
        {
            var runs = (await platform.RunsAsync(busy)).Concat(await platform.RunsAsync(other)).ToList();
            if (runs.FirstOrDefault(r => r?["status"]?.GetValue<string>() == "failed") is { } failed)
                throw new WaitAbandonedException($"a run failed: {failed.ToJsonString()}");
            return runs.Count == 3 && runs.All(r => r?["status"]?.GetValue<string>() == "succeeded");
        }, TimeSpan.FromMinutes(8), "both runs of the busy model and the other model's run to succeed");

        var busyRuns = await platform.RunsAsync(busy);
        var first = busyRuns.Single(r => r!["trigger"]!.GetValue<string>() == "dataset")!;
        var retrain = busyRuns.Single(r => r!["trigger"]!.GetValue<string>() == "manual")!;
        Assert.Equal(5, retrain["requests"]!.GetValue<int>());
        Assert.True(At(retrain, "startedAt") >= At(first, "finishedAt"), "Two runs of one model overlapped.");
        var otherRun = (await platform.RunsAsync(other)).Single()!;
        Assert.True(At(otherRun, "startedAt") < At(first, "finishedAt"), "The other model waited for the busy model's run.");
    }

    private static DateTimeOffset At(JsonNode run, string field) => run[field]!.GetValue<DateTimeOffset>();
}
