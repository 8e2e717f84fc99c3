using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>PostgreSQL stopped for two minutes during predictions, a training and an upload.</summary>
[Collection(ChaosCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    // The outage: long enough that immediate retries (seconds) would have sent every consumed message to _error.
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Database_down_two_minutes_during_predictions_training_and_an_upload_loses_no_prediction_and_trains_each_version_once()
    {
        // Two runs resume at once when the database is back, beside Monitoring draining its backlog: on a machine
        // shared with other builds even the diabetes split's first candidate can need more than the large dataset's
        // 25 s budget, and a run that times out would fail with its reason rather than show the recovery.
        await using var platform = await ChaosPlatform.StartAsync(new Dictionary<string, string?> { ["Training:TimeBudget"] = "00:00:45" });
        var served = platform.ModelName("db-served");
        var trained = platform.ModelName("db-training");
        var uploaded = platform.ModelName("db-upload");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        using var ingestion = platform.Client("ingestion");
        await platform.UploadAsync(served);
        await platform.ConvergedOnOneVersionAsync(served, timeout: ChaosPlatform.Setup);
        await platform.MonitoringHoldsReferenceAsync(served);
        await platform.UploadAsync(trained);

        await platform.RunReachesAsync(trained, "training");
        var logged = new List<Guid>();
        await Servers.StopDatabaseAsync();
        try
        {
            // An upload while the database is down: 503 with Retry-After, a problem, nothing stored.
            using (var content = new StreamContent(File.OpenRead(SharedData.PathOf("diabetes_train.csv"))))
            {
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var refused = await ingestion.PostAsync($"datasets/{uploaded}?target=target&task=regression", content);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }

            // Inference serves from memory throughout; Monitoring cannot store what it consumes until the database is back.
            var outageEnds = DateTime.UtcNow + Outage;
            while (DateTime.UtcNow < outageEnds)
            {
                logged.AddRange(await platform.PredictAsync(served));
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            await Servers.StartDatabaseAsync();
        }

        var back = System.Diagnostics.Stopwatch.StartNew();
        // Monitoring's consumers were waiting out the outage with the batches logged meanwhile: they resume within
        // seconds (Messaging:Retry:OutageMaxInterval) and none of them went to _error.
        await Eventually.HoldsAsync(async () => (await platform.LoggedAtMonitoringAsync(served)).IsSupersetOf(logged),
            ChaosPlatform.Converge, () => $"Monitoring to hold all {logged.Count} predictions made during the outage");
        var predictions = back.Elapsed;
        // The client does what Retry-After says.
        await platform.UploadAsync(uploaded);
        await platform.ConvergedOnOneVersionAsync(trained);
        var first = back.Elapsed;
        await platform.ConvergedOnOneVersionAsync(uploaded);
        output.WriteLine($"{logged.Count} predictions during a {Outage.TotalSeconds:F0} s outage, all at Monitoring {predictions.TotalSeconds:F1} s after the database was back; "
            + $"the run under way converged {first.TotalSeconds:F1} s and the retried upload {back.Elapsed.TotalSeconds:F1} s after it");
        await platform.AssertExactlyOnceAsync(served, errorsBefore);
        await platform.AssertExactlyOnceAsync(trained, errorsBefore);
        await platform.AssertExactlyOnceAsync(uploaded, errorsBefore);
    }
}
