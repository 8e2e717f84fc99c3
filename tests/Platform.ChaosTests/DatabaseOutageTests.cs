using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>PostgreSQL stopped for a while during training and uploads.</summary>
[Collection(ChaosCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Database_outage_during_training_and_an_upload_answers_503_then_trains_each_version_once()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var trained = platform.ModelName("db-training");
        var uploaded = platform.ModelName("db-upload");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        using var ingestion = platform.Client("ingestion");
        await platform.UploadAsync(trained);

        await platform.RunReachesAsync(trained, "training");
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

            await Task.Delay(Outage);
        }
        finally
        {
            await Servers.StartDatabaseAsync();
        }

        // The client does what Retry-After says.
        await platform.UploadAsync(uploaded);
        var first = await platform.ConvergedOnOneVersionAsync(trained);
        var second = await platform.ConvergedOnOneVersionAsync(uploaded);
        output.WriteLine($"converged {first.TotalSeconds:F1} s (run under way) and {(first + second).TotalSeconds:F1} s (upload retried) after the database was back");
        await platform.AssertExactlyOnceAsync(trained, errorsBefore);
        await platform.AssertExactlyOnceAsync(uploaded, errorsBefore);
    }
}
