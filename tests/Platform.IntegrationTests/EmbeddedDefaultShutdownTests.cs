using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Ml.Data;
using Platform.Tests;
using Xunit.Abstractions;

namespace Platform.IntegrationTests;

/// <summary>
/// The embedded default under a burst of predictions that outruns Monitoring (windows of 50 rows: a drift check every
/// 50 rows logged): the prediction-log batches queued on the in-memory bus stay within Inference:LogUnconsumedRows,
/// and SIGTERM in the middle of the burst ends the process within its shutdown timeout (issue 10, item 5).
/// </summary>
public sealed class EmbeddedDefaultShutdownTests(ITestOutputHelper output)
{
    private const string ApiKey = "embedded-shutdown-test-key";
    private const int Bound = 300;
    private const int BatchRows = 100;
    private const int ShutdownSeconds = 10;

    [Fact]
    public async Task Under_a_burst_the_queue_to_Monitoring_stays_bounded_and_SIGTERM_exits_within_the_shutdown_timeout()
    {
        var standalone = await StandaloneProcess.StartAsync([
            "--Training:Trainers:0", "sdca", "--Monitoring:WindowRows", "50", "--Monitoring:MinWindowRows", "10",
            "--Inference:LogUnconsumedRows", Bound.ToString(CultureInfo.InvariantCulture),
            "--Inference:LogBatchRows", BatchRows.ToString(CultureInfo.InvariantCulture), "--Inference:LogRetryRows", "5000",
            "--shutdownTimeoutSeconds", ShutdownSeconds.ToString(CultureInfo.InvariantCulture),
            "--Auth:Keys:test:Key", ApiKey, "--Auth:Keys:test:Roles", "producer,consumer,operator", "--Platform:ServiceKey", ApiKey,
        ]);
        await using var _ = standalone;
        using var http = standalone.CreateClient(ApiKey, TimeSpan.FromSeconds(30));
        await http.UploadDatasetAsync("diabetes", "diabetes_train.csv", "target=target&task=regression");
        await standalone.UntilAsync(async () => (await http.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, TimeSpan.FromMinutes(6), "the model to be served");

        var body = Body(CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv")));
        using var burst = new CancellationTokenSource();
        var served = 0L;
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!burst.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.PostAsync("models/diabetes/predict", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), burst.Token);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref served);
                }
                catch (Exception) when (burst.IsCancellationRequested || standalone.HasExited)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    return; // the process is stopping
                }
            }
        })).ToArray();

        // The queue fills (Monitoring is slower than serving here) and stays at the bound.
        var peak = 0.0;
        await standalone.UntilAsync(async () => (peak = Gauge(await http.GetStringAsync("metrics"), "platform_inference_log_unconsumed_peak")) >= Bound - BatchRows,
            TimeSpan.FromMinutes(1), $"the queue to Monitoring to fill to {Bound - BatchRows} rows or more");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var metrics = await http.GetStringAsync("metrics");
        peak = Gauge(metrics, "platform_inference_log_unconsumed_peak");
        Assert.InRange(peak, Bound - BatchRows, Bound);
        Assert.InRange(Gauge(metrics, "platform_inference_log_unconsumed"), 0, Bound);

        var stopped = await standalone.SignalAsync("TERM");
        await burst.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"{Interlocked.Read(ref served)} requests of 89 rows served; queue peak {peak} rows (bound {Bound}); exited {stopped.TotalSeconds:F1} s after SIGTERM");
        Assert.True(standalone.HasExited);
        // Within the host's shutdown timeout, plus the process's own start and end (the runtime, the last log lines).
        Assert.True(stopped < TimeSpan.FromSeconds(ShutdownSeconds + 5), $"exited {stopped.TotalSeconds:F1} s after SIGTERM:\n{standalone.Output()[^Math.Min(3000, standalone.Output().Length)..]}");
    }

    private static string Body(Table rows)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![row];
            instances.Add(instance);
        }

        return new JsonObject { ["instances"] = instances }.ToJsonString();
    }

    /// <summary>The value of an unlabelled gauge in Prometheus text (0 when absent).</summary>
    private static double Gauge(string metrics, string name)
    {
        var match = Regex.Match(metrics, $@"^{Regex.Escape(name)}(?:\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
