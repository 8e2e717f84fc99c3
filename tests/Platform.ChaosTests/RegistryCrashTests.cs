using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>
/// The Registry, as its own process, killed with SIGKILL while it registers a <c>ModelTrained</c> (consumed, not yet
/// committed, so no <c>ModelPromoted</c> either), then restarted: the redelivered event and the start-up reconciliation
/// with Training both find the run, and exactly one version is registered, promoted, served and referenced by
/// Monitoring. Another model is served throughout.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class RegistryCrashTests(ITestOutputHelper output)
{
    // The consume-to-commit window is milliseconds: the test-only delay holds the event there so the signal lands in it
    // every time, and an hour between reconciliation passes keeps the killed process's periodic pass out of it.
    private static readonly Dictionary<string, string?> RegisteringWindow = new()
    {
        ["Registry:ConsumeDelay"] = "00:00:30",
        ["Registry:Reconcile:Interval"] = "01:00:00",
    };

    [Fact]
    public async Task Registry_process_killed_with_sigkill_while_registering_registers_one_version_after_restart_and_it_is_served()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            var served = platform.ModelName("registry-served");
            var model = platform.ModelName("registry-kill");
            await platform.UploadAsync(served);
            await platform.ConvergedOnOneVersionAsync(served, timeout: ChaosPlatform.Setup);
            Log($"{served} served");
            await platform.Hosts.StopAsync("registry");
            await platform.Hosts.StartProcessAsync("registry", RegisteringWindow);
            await platform.ReadyAsync("registry");
            Log("Registry runs as a process, holding each ModelTrained 30 s before registering it");

            var errorsBefore = await Servers.ErrorQueuesAsync();
            await using var probe = ServingProbe.Start(platform, served);
            await platform.UploadAsync(model);
            await Eventually.HoldsAsync(async () => (await platform.TrainingOutboxAsync()).Contains(("Platform.Contracts.ModelTrained", true)),
                ChaosPlatform.Setup, "ModelTrained to be published");
            Log("ModelTrained published");
            // Delivered to the Registry's consumer, which holds it: still not registered a few seconds later.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Null(await platform.RegisteredAsync(model));

            var stopped = await platform.Hosts.SignalAsync("registry", "KILL");
            Log($"Registry gone {stopped.TotalSeconds:F1} s after SIGKILL; {model} not registered");
            await platform.Hosts.StartProcessAsync("registry");
            Log("Registry restarted (no delay)");

            var converged = await platform.ConvergedOnOneVersionAsync(model);
            converged += await platform.MonitoringHoldsReferenceAsync(model);
            Log($"one version, promoted, served and referenced by Monitoring {converged.TotalSeconds:F1} s after the restart");
            await probe.StopAsync();
            Log($"{served}: {probe.Succeeded} predicts 200, {probe.Failures.Count} failed");
            Assert.True(probe.Failures.Count == 0, $"predict failed while the Registry was down: {string.Join("; ", probe.Failures)}");
            Assert.True(probe.Succeeded > 0, "the probe never predicted");
            await platform.AssertExactlyOnceAsync(model, errorsBefore);
            await platform.AssertExactlyOnceAsync(served, errorsBefore);
        }
        catch
        {
            Log($"Registry's last process output:\n{platform.Hosts.ProcessOutput("registry")}");
            throw;
        }
    }
}
