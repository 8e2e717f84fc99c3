using System.Diagnostics;
using System.Text;
using Platform.Tests;

namespace Platform.SecurityTests;

/// <summary>The embedded default (all five services in one process) as its own process on a loopback port.</summary>
public sealed class StandaloneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataPath;

    private StandaloneProcess(Process process, Uri url, string dataPath)
    {
        _process = process;
        Url = url;
        _dataPath = dataPath;
    }

    public Uri Url { get; }

    /// <summary>The process's data folder (<c>Standalone:DataPath</c>).</summary>
    public string DataPath => _dataPath;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <param name="settings">Configuration, passed as command-line arguments (<c>--Key value</c>).</param>
    public static async Task<StandaloneProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var port = LoopbackPorts.Free();
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-security-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateDirectory(dataPath).FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Platform.Standalone.dll"));
        foreach (var (key, value) in new Dictionary<string, string>(settings)
                 {
                     ["urls"] = $"http://127.0.0.1:{port}",
                     ["Standalone:DataPath"] = dataPath,
                 })
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        var standalone = new StandaloneProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataPath);
        process.OutputDataReceived += (_, e) => standalone.Append(e.Data);
        process.ErrorDataReceived += (_, e) => standalone.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = standalone.Url, Timeout = TimeSpan.FromSeconds(5) };
        await standalone.WaitUntilAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync("health")).IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(1), "the embedded default to answer /health");
        return standalone;
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (await condition()) return;
            await Task.Delay(250);
        }

        var output = Output;
        throw new TimeoutException($"Gave up waiting for {what}. Process output (last 4000 chars):\n{output[Math.Max(0, output.Length - 4000)..]}");
    }

    private void Append(string? line)
    {
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
