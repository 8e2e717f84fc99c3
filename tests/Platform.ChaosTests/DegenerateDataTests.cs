using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>Degenerate data through the real services: the run ends with a reason at once and blocks nobody.</summary>
[Collection(ChaosCollection.Name)]
public sealed class DegenerateDataTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Nine_rows_with_constant_columns_end_their_run_with_a_reason_within_60_s_and_the_next_model_is_served()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var degenerate = platform.ModelName("nine-rows");
        var next = platform.ModelName("after-nine-rows");
        var errorsBefore = await Servers.ErrorQueuesAsync();
        var csv = Path.Combine(Path.GetTempPath(), $"platform-nine-constant-rows-{platform.Hosts.RunId}.csv");
        await File.WriteAllTextAsync(csv, "a,b,y\n" + string.Concat(Enumerable.Range(0, 9).Select(i => $"1,5,{i}\n")));
        try
        {
            using var ingestion = platform.Client("ingestion");
            await ingestion.UploadCsvFileAsync(degenerate, csv, "target=y&task=regression");

            var ended = await Eventually.HoldsAsync(async () => (await platform.RunsAsync(degenerate)).SingleOrDefault()?["status"]?.GetValue<string>() == "failed",
                ChaosPlatform.Converge, $"the run of {degenerate} to fail with a reason");
            var run = (await platform.RunsAsync(degenerate)).Single()!;
            output.WriteLine($"the 9-row run ended {ended.TotalSeconds:F1} s after the upload: {run["error"]}");
            Assert.Contains("5-fold", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
            await Eventually.HoldsAsync(async () => (await platform.TrainingOutboxAsync()).Contains(("Platform.Contracts.TrainingFailed", true)),
                TimeSpan.FromSeconds(30), "TrainingFailed to be committed and published");

            // A model uploaded right after trains, registers and is served as usual.
            await platform.UploadAsync(next);
            var served = await platform.ConvergedOnOneVersionAsync(next);
            output.WriteLine($"the next model was served {served.TotalSeconds:F1} s after its upload");
            await platform.AssertExactlyOnceAsync(next, errorsBefore);
            Assert.Null(await platform.RegisteredAsync(degenerate));
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
