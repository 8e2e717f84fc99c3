using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>
/// Training stopped mid-run, during a large training (2,500 rows, in the middle of its cross-validation): abruptly
/// (as a crash leaves it), gracefully, and as a real process with SIGKILL and SIGTERM. Each time the process is gone
/// within 30 s, the run resumes once after the restart, and the version is trained, registered and served once.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class TrainingCrashTests(ITestOutputHelper output)
{
    private const string Crash = "killed or crashed";
    private const string Shutdown = "shutdown";

    [Fact]
    public Task Training_host_killed_mid_run_resumes_the_run_once_after_restart() => InterruptMidRunAsync("killed", asProcess: false,
        platform => platform.Hosts.StopAsync("training", abruptly: true), expectedAttempts: 2, Crash);

    [Fact]
    public Task Training_host_stopped_gracefully_mid_run_exits_within_30_s_and_resumes_without_using_an_attempt() => InterruptMidRunAsync("stopped", asProcess: false,
        platform => platform.Hosts.StopAsync("training"), expectedAttempts: 1, Shutdown);

    [Fact]
    public Task Training_process_killed_with_sigkill_mid_run_resumes_the_run_once_after_restart() => InterruptMidRunAsync("sigkill", asProcess: true,
        platform => platform.Hosts.SignalAsync("training", "KILL"), expectedAttempts: 2, Crash);

    [Fact]
    public Task Training_process_sent_sigterm_mid_run_exits_within_30_s_and_the_run_resumes_once_after_restart() => InterruptMidRunAsync("sigterm", asProcess: true,
        platform => platform.Hosts.SignalAsync("training", "TERM"), expectedAttempts: 1, Shutdown);

    [Fact]
    public async Task A_run_interrupted_on_its_last_attempt_fails_with_the_reason_and_a_TrainingFailed_event()
    {
        await using var platform = await ChaosPlatform.StartAsync(new Dictionary<string, string?> { ["Training:Runs:MaxAttempts"] = "1" });
        var model = platform.ModelName("last-attempt");
        await platform.UploadLargeAsync(model);
        await platform.RunMidCrossValidationAsync(model);
        await platform.Hosts.StopAsync("training", abruptly: true);
        await platform.Hosts.StartAsync("training");

        await Eventually.HoldsAsync(async () => (await platform.RunsAsync(model)).Single()?["status"]?.GetValue<string>() == "failed",
            ChaosPlatform.Converge, $"the run of {model} to fail");
        var run = (await platform.RunsAsync(model)).Single()!;
        Assert.Contains(Crash, run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(async () => (await platform.TrainingOutboxAsync()).Contains(("Platform.Contracts.TrainingFailed", true)),
            TimeSpan.FromSeconds(30), "TrainingFailed to be committed and published");
    }

    private async Task InterruptMidRunAsync(string scenario, bool asProcess, Func<ChaosPlatform, Task<TimeSpan>> interrupt, int expectedAttempts, string expectedInterruption)
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            if (asProcess)
            {
                await platform.Hosts.StopAsync("training");
                await platform.Hosts.StartProcessAsync("training");
                Log("Training runs as a process");
            }

            var model = platform.ModelName(scenario);
            var errorsBefore = await Servers.ErrorQueuesAsync();
            await platform.UploadLargeAsync(model);
            Log($"uploaded {ChaosPlatform.LargeRows} rows");

            // A large training, interrupted in the middle of its cross-validation: the cancellation has to reach the fit.
            var progress = await platform.RunMidCrossValidationAsync(model);
            Log($"run training: {progress.ToJsonString()}");
            var stopped = await interrupt(platform);
            Log($"Training gone {stopped.TotalSeconds:F1} s after the fault");
            Assert.True(stopped < TimeSpan.FromSeconds(30), $"Training took {stopped} to stop.");
            if (asProcess) await platform.Hosts.StartProcessAsync("training");
            else await platform.Hosts.StartAsync("training");
            Log("Training restarted");

            var converged = await platform.ConvergedOnOneVersionAsync(model);
            Log($"converged {converged.TotalSeconds:F1} s after the restart");
            await platform.AssertExactlyOnceAsync(model, errorsBefore);
            var run = (await platform.RunsAsync(model))[0]!;
            Assert.Equal(expectedAttempts, run["attempts"]!.GetValue<int>());
            Assert.Contains(expectedInterruption, run["interruption"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        catch when (asProcess)
        {
            Log($"Training's last process output:\n{platform.Hosts.ProcessOutput("training")}");
            throw;
        }
    }
}
