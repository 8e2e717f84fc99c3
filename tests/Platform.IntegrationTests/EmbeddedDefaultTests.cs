using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.IntegrationTests;

/// <summary>
/// The embedded default as a user runs it: the Standalone program as its own process, SQLite and the in-memory bus,
/// driven only over HTTP, through the loop the README shows with curl.
/// </summary>
public sealed class EmbeddedDefaultTests : IAsyncLifetime
{
    private const string ApiKey = "embedded-default-test-key";
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "platform-embedded-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _output = new();
    private Process? _process;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        var port = LoopbackPorts.Free();
        var dll = Path.Combine(AppContext.BaseDirectory, "Platform.Standalone.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{port}", "--Standalone:DataPath", _dataPath,
                "--Monitoring:WindowRows", "200", "--Training:Trainers:0", "sdca",
                "--Auth:Keys:test:Key", ApiKey, "--Auth:Keys:test:Roles", "producer,consumer,operator", "--Platform:ServiceKey", ApiKey,
                "--Training:DataPolicy:MinNewRows", "200", "--Monitoring:LabelledBatchRows", "100",
            },
            WorkingDirectory = Directory.CreateDirectory(_dataPath).FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        await WaitUntilAsync(async () =>
        {
            try
            {
                return (await _http.GetAsync("health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(1), "the embedded default to answer /health");
    }

    [Fact]
    public async Task Embedded_default_heals_after_drift_once_the_truth_for_the_shifted_inputs_arrives()
    {
        await _http.UploadDatasetAsync("diabetes", "diabetes_train.csv", "target=target&task=regression");

        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        await WaitUntilAsync(async () => (await _http.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, Slow, "the first version to be served");
        var (predictions, _, _) = await PredictAsync(holdout, shift: 0);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
        Assert.InRange(rmse, 40, 65);

        // Far outside the training data: every feature moved by 0.4 (about eight standard deviations).
        var feedback = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var (_, ids, _) = await PredictAsync(holdout, shift: 0.4);
            for (var row = 0; row < ids.Length; row++) feedback.Add(new JsonObject { ["predictionId"] = ids[row], ["actual"] = actual[row] });
        }

        // Drift, but no labelled row newer than it: the model waits rather than retraining the same bytes.
        await WaitUntilAsync(async () => (await _http.GetFromJsonAsync<JsonArray>("runs?model=diabetes"))!
            .Any(r => (string?)r!["status"] == "awaiting-data" && (string?)r["stage"] == "awaiting labelled data: 0 of 200 rows"), Slow, "the wait for labelled data");
        var reports = await _http.GetFromJsonAsync<JsonArray>("drift/diabetes");
        Assert.Contains(reports!, r => (bool)r!["eventPublished"]! && (double)r["driftedShare"]! >= 0.3);

        // The truth comes back: the retrain starts by itself on the labelled rows, and the gate judges on the newest of them.
        using (var response = await _http.PostAsJsonAsync("feedback", new JsonObject { ["feedback"] = feedback }))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitUntilAsync(async () =>
        {
            var runs = await _http.GetFromJsonAsync<JsonArray>("runs?model=diabetes");
            return runs!.Any(r => (string?)r!["trigger"] == "drift" && (string?)r["status"] == "succeeded");
        }, Slow, "a retrain with trigger drift");

        await WaitUntilAsync(async () => (await _http.GetFromJsonAsync<JsonObject>("models/diabetes"))!["versions"]!.AsArray().Count == 2, Slow, "version 2");
        var audit = await _http.GetFromJsonAsync<JsonArray>("models/diabetes/audit");
        var decision = audit!.First(a => (int?)a!["toVersion"] == 2)!;
        Assert.Equal("gate", (string)decision["action"]!);
        Assert.Contains("newest rows held out of training", (string)decision["reason"]!);
        await WaitUntilAsync(async () => (await PredictAsync(holdout.SelectRows([0]), shift: 0.4)).Version == 2, Slow, "Inference to serve v2");
    }

    private async Task<(double[] Predictions, string[] Ids, int Version)> PredictAsync(Table rows, double shift)
    {
        var instances = new JsonArray();
        for (var row = 0; row < rows.RowCount; row++)
        {
            var instance = new JsonObject();
            foreach (var column in rows.Columns.Where(c => c.Name != "target")) instance[column.Name] = column.Numbers![row] + shift;
            instances.Add(instance);
        }

        using var response = await _http.PostAsJsonAsync("models/diabetes/predict", new JsonObject { ["instances"] = instances });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"predict answered {(int)response.StatusCode}: {body}");
        return (body!["predictions"]!.AsArray().Select(p => (double)p!).ToArray(), body["predictionIds"]!.AsArray().Select(p => (string)p!).ToArray(),
            (int)body["version"]!);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) break;
            if (await condition()) return;
            await Task.Delay(250);
        }

        string output;
        lock (_output) output = _output.ToString();
        throw new TimeoutException($"Timed out after {timeout} waiting for {what}. Process output (last 4000 chars):\n{output[Math.Max(0, output.Length - 4000)..]}");
    }


    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment after the process ended; the folder is under the temp path.
        }
    }
}
