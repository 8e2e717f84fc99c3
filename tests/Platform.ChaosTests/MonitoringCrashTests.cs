using Xunit.Abstractions;

namespace Platform.ChaosTests;

/// <summary>
/// Monitoring, as its own process, killed with SIGKILL while it consumes <c>PredictionsLogged</c> batches, then restarted:
/// the batches published while it was down waited in its durable queue, the one it held at the kill is redelivered, and
/// its intake is idempotent per prediction id, so every prediction Inference answered reaches it exactly once and
/// nothing lands in <c>_error</c>. Inference serves throughout.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class MonitoringCrashTests(ITestOutputHelper output)
{
    private const string Queue = "monitoring-predictions-logged";

    [Fact]
    public async Task Monitoring_process_killed_with_sigkill_while_consuming_predictions_gets_every_prediction_once_after_restart()
    {
        await using var platform = await ChaosPlatform.StartAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        try
        {
            var model = platform.ModelName("monitoring-kill");
            await platform.UploadAsync(model);
            await platform.ConvergedOnOneVersionAsync(model, timeout: ChaosPlatform.Setup);
            await platform.MonitoringHoldsReferenceAsync(model);
            await platform.Hosts.StopAsync("monitoring");
            await platform.Hosts.StartProcessAsync("monitoring");
            await platform.ReadyAsync("monitoring");
            Log("Monitoring runs as a process");

            var errorsBefore = await Servers.ErrorQueuesAsync();
            await using var probe = ServingProbe.Start(platform, model);
            // Batches are flowing and being consumed: the kill lands in the intake's stream, not before it.
            await Eventually.HoldsAsync(async () => (await platform.LoggedAtMonitoringAsync(model)).Count >= 20, ChaosPlatform.Converge,
                "Monitoring to take in its first predictions");
            var stopped = await platform.Hosts.SignalAsync("monitoring", "KILL");
            var atKill = (await platform.LoggedAtMonitoringAsync(model)).Count;
            Log($"Monitoring gone {stopped.TotalSeconds:F1} s after SIGKILL, {atKill} predictions taken in");

            // While it is down Inference keeps publishing: the batches wait in the durable queue.
            await Eventually.HoldsAsync(async () => await Servers.QueueDepthAsync(Queue) > 0, TimeSpan.FromSeconds(15), $"batches to wait in {Queue}");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Log($"{await Servers.QueueDepthAsync(Queue)} batches waiting in {Queue}");
            await platform.Hosts.StartProcessAsync("monitoring");
            var restarted = System.Diagnostics.Stopwatch.StartNew();
            Log("Monitoring restarted");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await probe.StopAsync();

            var predicted = probe.Logged();
            var last = new HashSet<Guid>();
            await Eventually.HoldsAsync(async () => (last = await platform.LoggedAtMonitoringAsync(model)).IsSupersetOf(predicted), ChaosPlatform.Converge,
                () => $"Monitoring to hold all {predicted.Count} predictions ({predicted.Except(last).Count()} missing)");
            Log($"all {predicted.Count} predictions at Monitoring {restarted.Elapsed.TotalSeconds:F1} s after the restart; {probe.Succeeded} predicts 200, {probe.Failures.Count} failed");
            // Nothing Monitoring holds that Inference did not answer, and each row once (the prediction id is the key).
            Assert.Equal(predicted.Count, last.Count);
            Assert.True(probe.Failures.Count == 0, $"predict failed while Monitoring was down: {string.Join("; ", probe.Failures)}");
            await platform.AssertExactlyOnceAsync(model, errorsBefore);
        }
        catch
        {
            Log($"Monitoring's last process output:\n{platform.Hosts.ProcessOutput("monitoring")}");
            throw;
        }
    }
}
