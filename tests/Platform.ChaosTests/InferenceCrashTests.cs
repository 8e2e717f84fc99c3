using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>
/// Inference, as its own process, killed with SIGKILL while it serves predictions and logs them, then restarted: it is
/// ready only once its start-up reconciliation has loaded the Registry's production version, so its first answers after
/// the restart come from that version. Every logged row is in Inference's spool before its predict is answered, so
/// every prediction answered before the kill reaches Monitoring, once: those published before it, and those still held
/// at the kill, which the restarted process reads back from its spool and publishes first.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class InferenceCrashTests(ITestOutputHelper output)
{
    /// <summary>
    /// For the process that is killed: batches of 20 rows and a 30 s flush. A batch leaves when 20 rows are in it, so when
    /// the kill follows Monitoring's first 20 rows, the rows answered since are still held by the process (the probe
    /// answers about 10 a second). The restarted process runs with the suite's settings (0.5 s flush).
    /// </summary>
    private static readonly Dictionary<string, string?> HoldRows = new()
    {
        ["Inference:LogBatchRows"] = "20",
        ["Inference:LogFlushInterval"] = "00:00:30",
    };

    [Fact]
    public async Task Inference_process_killed_with_sigkill_while_serving_serves_the_production_version_at_restart_and_every_answered_row_reaches_Monitoring_once()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            var model = platform.ModelName("inference-kill");
            await platform.UploadAsync(model);
            await platform.ConvergedOnOneVersionAsync(model, timeout: ChaosPlatform.Setup);
            await platform.MonitoringHoldsReferenceAsync(model);
            await platform.Hosts.StopAsync("inference");
            await platform.Hosts.StartProcessAsync("inference", HoldRows);
            await platform.ReadyAsync("inference");
            Log("Inference runs as a process");

            var errorsBefore = await Servers.ErrorQueuesAsync();
            await using var probe = ServingProbe.Start(platform, model);
            await Eventually.HoldsAsync(async () => (await platform.LoggedAtMonitoringAsync(model)).Count >= 20, ChaosPlatform.Converge,
                "Monitoring to take in the first logged predictions");
            var stopped = await platform.Hosts.SignalAsync("inference", "KILL");
            await probe.StopAsync();
            var beforeKill = probe.Logged();
            // What Monitoring has once anything published before the kill has settled: the rest was held by the process.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var heldAtKill = beforeKill.Except(await platform.LoggedAtMonitoringAsync(model)).Count();
            Log($"Inference gone {stopped.TotalSeconds:F1} s after SIGKILL; {beforeKill.Count} predictions answered before, {heldAtKill} of them not yet at Monitoring"
                + $" ({probe.Failures.Count} predicts failed around the kill)");

            await platform.Hosts.StartProcessAsync("inference");
            var ready = await platform.ReadyAsync("inference");
            Log($"Inference restarted, ready {ready.TotalSeconds:F1} s after /alive");
            // Ready means served: the first predict after the restart answers 200 from the Registry's production version.
            var (version, first) = await platform.PredictWithVersionAsync(model);
            Assert.Equal((await platform.RegisteredAsync(model))!["productionVersion"]!.GetValue<int>(), version);

            // Predictions after the restart are logged and reach Monitoring as usual.
            await using var after = ServingProbe.Start(platform, model);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await after.StopAsync();
            var afterRestart = after.Logged().Union(first).ToHashSet();
            Assert.True(after.Failures.Count == 0, $"predict failed after the restart: {string.Join("; ", after.Failures)}");

            // Every prediction answered, before the kill or after the restart, reaches Monitoring.
            var expected = beforeKill.Union(afterRestart).ToHashSet();
            var last = new HashSet<Guid>();
            var converged = await Eventually.HoldsAsync(async () => (last = await platform.LoggedAtMonitoringAsync(model)).IsSupersetOf(expected), ChaosPlatform.Converge,
                () => $"Monitoring to hold the {expected.Count} predictions answered ({expected.Except(last).Count()} missing)");
            Log($"all {expected.Count} answered predictions at Monitoring {converged.TotalSeconds:F1} s after the probe stopped ({heldAtKill} held at the kill, from the spool)");

            // Once: the prediction id is the key of Monitoring's outputs, so a row published before the kill and replayed
            // from the spool is taken in once, and nothing lands in _error. Rows of a predict in flight at the kill (in the
            // spool, its answer lost with the process) may arrive too: two rows per predict that failed, at most.
            await Task.Delay(TimeSpan.FromSeconds(2));
            last = await platform.LoggedAtMonitoringAsync(model);
            var unanswered = last.Except(expected).Count();
            Assert.True(unanswered <= 2 * probe.Failures.Count, $"Monitoring holds {unanswered} predictions no one was answered with ({probe.Failures.Count} predicts failed at the kill)");
            await platform.AssertExactlyOnceAsync(model, errorsBefore);
        }
        catch
        {
            Log($"Inference's last process output:\n{platform.Hosts.ProcessOutput("inference")}");
            throw;
        }
    }
}
