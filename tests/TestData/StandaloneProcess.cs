using System.Diagnostics;
using System.Text;

namespace Platform.Tests;

/// <summary>
/// The embedded default as a user runs it: <c>Platform.Standalone.dll</c> (copied beside the test binaries by a
/// project reference) as its own process on a loopback port, with its own data folder, its output kept for failure
/// messages. <see cref="UntilAsync"/> waits for a condition while the process lives.
/// </summary>
public sealed class StandaloneProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;
    private readonly string[] _arguments;
    private readonly string _environment;
    private bool _ownsData = true;

    public string DataPath { get; }
    public Uri BaseAddress { get; }

    private StandaloneProcess(Process process, string dataPath, Uri baseAddress, string[] arguments, string environment)
    {
        _process = process;
        _arguments = arguments;
        _environment = environment;
        DataPath = dataPath;
        BaseAddress = baseAddress;
    }

    /// <summary>Starts it with configuration as key/value pairs (passed as <c>--Key value</c>).</summary>
    /// <param name="environment">The ASP.NET Core environment: Development (the loop's tests), Production (the security tests).</param>
    public static Task<StandaloneProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string environment = "Development") =>
        StartAsync(settings.SelectMany(setting => new[] { "--" + setting.Key, setting.Value }), environment: environment);

    /// <param name="arguments">Configuration as command-line pairs (<c>--Monitoring:WindowRows</c>, <c>200</c>, ...).</param>
    /// <param name="environment">The ASP.NET Core environment: Development (the loop's tests), Production (the security tests).</param>
    /// <param name="dataPath">The data folder of an earlier process, to restart on its data; a new one if null.</param>
    public static async Task<StandaloneProcess> StartAsync(IEnumerable<string> arguments, TimeSpan? healthTimeout = null, string environment = "Development", string? dataPath = null)
    {
        var port = LoopbackPorts.Free();
        var argumentList = arguments.ToArray();
        dataPath ??= Path.Combine(Path.GetTempPath(), "platform-embedded-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateDirectory(dataPath).FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Platform.Standalone.dll"), "--urls", $"http://127.0.0.1:{port}", "--Standalone:DataPath", dataPath })
            start.ArgumentList.Add(argument);
        foreach (var argument in argumentList) start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;

        var standalone = new StandaloneProcess(Process.Start(start)!, dataPath, new Uri($"http://127.0.0.1:{port}/"), argumentList, environment);
        standalone._process.OutputDataReceived += (_, e) => standalone.Append(e.Data);
        standalone._process.ErrorDataReceived += (_, e) => standalone.Append(e.Data);
        standalone._process.BeginOutputReadLine();
        standalone._process.BeginErrorReadLine();

        // A refused connection or a probe that times out is "not yet" (Eventually).
        using var probe = new HttpClient { BaseAddress = standalone.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await standalone.UntilAsync(async () => (await probe.GetAsync("health")).IsSuccessStatusCode,
            healthTimeout ?? TimeSpan.FromMinutes(1), "the embedded default to answer /health");
        return standalone;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends a signal (KILL, TERM) to the process and waits (up to a minute) for it to exit; returns how long that took.</summary>
    public async Task<TimeSpan> SignalAsync(string signal)
    {
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return watch.Elapsed;
    }

    /// <summary>A new process on this one's data folder and settings (this one must have exited); the new one owns the folder.</summary>
    /// <param name="healthTimeout">How long it may take to answer /health (default a minute).</param>
    public async Task<StandaloneProcess> RestartAsync(TimeSpan? healthTimeout = null)
    {
        if (!_process.HasExited) throw new InvalidOperationException("The embedded default is still running.");
        _ownsData = false;
        return await StartAsync(_arguments, healthTimeout, environment: _environment, dataPath: DataPath);
    }

    /// <param name="timeout">The client's request timeout (default 2 minutes).</param>
    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromMinutes(2) };
        if (apiKey is not null) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    /// <summary>Waits for <paramref name="condition"/> while the process lives; a timeout shows the process's last output.</summary>
    public Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Eventually.HoldsAsync(async () => _process.HasExited ? throw new WaitAbandonedException($"The embedded default exited waiting for {what}:\n{Tail()}") : await condition(),
            timeout, () => $"{what}; the embedded default's last output:\n{Tail()}");

    private string Tail() => Output()[^Math.Min(4000, Output().Length)..];

    public string Output()
    {
        lock (_output) return _output.ToString();
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
        if (!_ownsData) return;
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment after the process ended; the folder is under the temp path.
        }
    }
}
