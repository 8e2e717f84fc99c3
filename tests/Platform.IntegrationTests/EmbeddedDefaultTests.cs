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
                "--Auth:Keys:test:Key", ApiKey, "--Auth:Keys:test:Roles", "producer,consumer,operator",
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
    public async Task Embedded_default_runs_the_loop_from_upload_to_the_gates_decision_on_drift()
    {
        await _http.UploadDatasetAsync("diabetes", "diabetes_train.csv", "target=target&task=regression");

        var holdout = CsvTableReader.Read(SharedData.PathOf("diabetes_test.csv"));
        await WaitUntilAsync(async () => (await _http.GetAsync("models/diabetes/signature")).IsSuccessStatusCode, Slow, "the first version to be served");
        var predictions = await PredictAsync(holdout, shift: 0);
        var actual = holdout["target"].Numbers!;
        var rmse = Math.Sqrt(actual.Select((y, i) => (y - predictions[i]) * (y - predictions[i])).Average());
        Assert.InRange(rmse, 40, 65);

        // Far outside the training data: every feature moved by 0.4 (about eight standard deviations).
        for (var i = 0; i < 3; i++) await PredictAsync(holdout, shift: 0.4);

        await WaitUntilAsync(async () =>
        {
            var runs = await _http.GetFromJsonAsync<JsonArray>("runs?model=diabetes");
            return runs!.Any(r => (string?)r!["trigger"] == "drift" && (string?)r["status"] == "succeeded");
        }, Slow, "a retrain with trigger drift");
        var reports = await _http.GetFromJsonAsync<JsonArray>("drift/diabetes");
        Assert.Contains(reports!, r => (bool)r!["eventPublished"]! && (double)r["driftedShare"]! >= 0.3);

        await WaitUntilAsync(async () => (await _http.GetFromJsonAsync<JsonObject>("models/diabetes"))!["versions"]!.AsArray().Count == 2, Slow, "version 2");
        var audit = await _http.GetFromJsonAsync<JsonArray>("models/diabetes/audit");
        var decision = audit!.First(a => (int?)a!["toVersion"] == 2)!;
        Assert.Contains((string)decision["action"]!, new[] { "gate", "rejected" });
        Assert.Contains("champion v1", (string)decision["reason"]!);
    }

    private async Task<double[]> PredictAsync(Table rows, double shift)
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
        return body!["predictions"]!.AsArray().Select(p => (double)p!).ToArray();
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
