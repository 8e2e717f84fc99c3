using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>
/// Ingestion, as its own process, killed with SIGKILL in the middle of a streamed upload and right after an upload was
/// accepted (201, its <c>DatasetUploaded</c> committed to the outbox, not yet published), then restarted: no partial
/// version is ever visible, the retried upload gives one version, and the accepted one is trained once (its event
/// published by the restarted process). Another model is served throughout.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class IngestionCrashTests(ITestOutputHelper output)
{
    private const string DatasetUploaded = "Platform.Contracts.DatasetUploaded";

    /// <summary>
    /// The mid-upload kill's process: staged files count as abandoned after 5 s untouched, swept every second (the
    /// defaults, an hour and ten minutes, are for replicas sharing a folder with uploads that take minutes).
    /// </summary>
    private static readonly Dictionary<string, string?> QuickSweep = new()
    {
        ["Ingestion:StagedFileMaxAge"] = "00:00:05",
        ["Ingestion:StagingSweepInterval"] = "00:00:01",
    };

    [Fact]
    public async Task Ingestion_process_killed_with_sigkill_mid_upload_shows_no_version_leaves_no_staged_file_and_the_retried_upload_trains_once()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var staging = Path.Combine(platform.Hosts.Setting("Ingestion:StoragePath")!, "tmp");
        await RunAsync(platform, QuickSweep, async (model, Log) =>
        {
            using var content = new TricklingCsvContent(SharedData.PathOf("diabetes_train.csv"));
            using var ingestion = platform.Client("ingestion");
            var upload = ingestion.PostAsync($"datasets/{model}?target=target&task=regression", content);
            await content.HalfSent.WaitAsync(TimeSpan.FromSeconds(30));
            // The kill lands once the server is staging the body (its file exists), not while the request is still in flight to it.
            await Eventually.HoldsAsync(() => Task.FromResult(Directory.Exists(staging) && Directory.GetFiles(staging).Length > 0),
                TimeSpan.FromSeconds(30), "Ingestion to start staging the upload");
            var stopped = await platform.Hosts.SignalAsync("ingestion", "KILL");
            content.GoOn();
            var failed = await Record.ExceptionAsync(async () => (await upload.WaitAsync(TimeSpan.FromSeconds(30))).Dispose());
            Log($"Ingestion gone {stopped.TotalSeconds:F1} s after SIGKILL mid-upload; the client saw {failed?.GetType().Name ?? "an answer"}");
            Assert.True(failed is HttpRequestException or IOException, $"the interrupted upload must fail at the client, not be answered: {failed}");

            // The killed process was staging the body: that file is what the restarted process must clean up.
            var left = Directory.GetFiles(staging);
            Assert.NotEmpty(left);
            Log($"the kill left {left.Length} staged file(s), {left.Sum(f => new FileInfo(f).Length):N0} bytes");

            await platform.Hosts.StartProcessAsync("ingestion", QuickSweep);
            await platform.ReadyAsync("ingestion");
            Assert.Empty(await platform.DatasetVersionsAsync(model));
            Assert.Empty(await platform.RunsAsync(model));
            Log("restarted: no version and no run of the interrupted upload");
            var swept = await Eventually.HoldsAsync(() => Task.FromResult(!left.Any(File.Exists)), TimeSpan.FromSeconds(30),
                "the restarted Ingestion to delete the staged file the kill left");
            Log($"the staged file(s) of the killed upload deleted {swept.TotalSeconds:F1} s after the restart was ready");

            // The client tries again: one version, trained once.
            var retried = System.Diagnostics.Stopwatch.StartNew();
            await platform.UploadAsync(model);
            var converged = await platform.ConvergedOnOneVersionAsync(model);
            Log($"retried upload trained, registered and served {retried.Elapsed.TotalSeconds:F1} s after the restart ({converged.TotalSeconds:F1} s after its 201)");
            Assert.Empty(Directory.GetFiles(staging));
        });
    }

    [Fact]
    public async Task Ingestion_process_killed_with_sigkill_right_after_an_accepted_upload_publishes_its_DatasetUploaded_after_restart_and_trains_once()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        // The window between the commit (the 201) and the publish is milliseconds: the test-only delay keeps the
        // killed process's outbox from publishing, so the event that reaches Training is the restarted process's.
        await RunAsync(platform, new Dictionary<string, string?> { ["Outbox:DispatchDelay"] = "01:00:00" }, async (model, Log) =>
        {
            await platform.UploadAsync(model);
            Assert.Contains((DatasetUploaded, false), await platform.OutboxAsync("ingestion"));
            var stopped = await platform.Hosts.SignalAsync("ingestion", "KILL");
            Log($"Ingestion gone {stopped.TotalSeconds:F1} s after SIGKILL, right after the 201; DatasetUploaded committed, not published");

            await platform.Hosts.StartProcessAsync("ingestion");
            var restarted = System.Diagnostics.Stopwatch.StartNew();
            Assert.Single(await platform.DatasetVersionsAsync(model));
            await Eventually.HoldsAsync(async () => (await platform.OutboxAsync("ingestion")).All(m => m.Dispatched), TimeSpan.FromSeconds(30),
                "the restarted Ingestion to publish its outbox");
            Log($"DatasetUploaded published {restarted.Elapsed.TotalSeconds:F1} s after the restart");
            await platform.ConvergedOnOneVersionAsync(model);
            Log($"trained, registered and served {restarted.Elapsed.TotalSeconds:F1} s after the restart");
        });
    }

    private Task RunAsync(ChaosPlatform platform, Func<string, Action<string>, Task> fault) => RunAsync(platform, null, fault);

    /// <summary>
    /// A model served first, then Ingestion as its own process (with <paramref name="processSettings"/>), the fault with
    /// another model predicted throughout, and what every fault must leave: exactly one run and version of the model,
    /// one dataset version, nothing in _error, every predict 200.
    /// </summary>
    private async Task RunAsync(ChaosPlatform platform, IReadOnlyDictionary<string, string?>? processSettings, Func<string, Action<string>, Task> fault)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            var served = platform.ModelName("ingestion-served");
            var model = platform.ModelName("ingestion-kill");
            await platform.UploadAsync(served);
            await platform.ConvergedOnOneVersionAsync(served, timeout: ChaosPlatform.Setup);
            await platform.Hosts.StopAsync("ingestion");
            await platform.Hosts.StartProcessAsync("ingestion", processSettings);
            await platform.ReadyAsync("ingestion");
            Log($"{served} served; Ingestion runs as a process");

            var errorsBefore = await Servers.ErrorQueuesAsync();
            await using var probe = ServingProbe.Start(platform, served);
            await fault(model, Log);
            await probe.StopAsync();
            Log($"{served}: {probe.Succeeded} predicts 200, {probe.Failures.Count} failed");
            Assert.True(probe.Failures.Count == 0, $"predict failed while Ingestion was down: {string.Join("; ", probe.Failures)}");
            Assert.Single(await platform.DatasetVersionsAsync(model));
            await platform.AssertExactlyOnceAsync(model, errorsBefore);
        }
        catch
        {
            Log($"Ingestion's last process output:\n{platform.Hosts.ProcessOutput("ingestion")}");
            throw;
        }
    }
}
