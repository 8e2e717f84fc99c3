using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Tests;

namespace Platform.Operations.Tests;

/// <summary>Debian's <c>prometheus</c> (installed by deploy/local/test.sh) as a process on loopback, and its HTTP API.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _folder;

    public HttpClient Api { get; }

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    /// <param name="folder">Holds prometheus.yml and the rule files it names.</param>
    public static async Task<PrometheusServer> StartAsync(string folder)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: bash deploy/local/test.sh installs Debian's prometheus package.");
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { "--config.file=prometheus.yml", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}" })
            start.ArgumentList.Add(argument);
        var server = new PrometheusServer(Process.Start(start)!, folder, port);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.UntilAsync(async () =>
        {
            try
            {
                return (await server.Api.GetAsync("-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "Prometheus to be ready");
        return server;
    }

    /// <summary>An instant query; returns the API's whole answer (status, data or errorType/error).</summary>
    public async Task<JsonObject> QueryAsync(string promQl)
    {
        using var response = await Api.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promQl));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<JsonObject> GetAsync(string path) => (await Api.GetFromJsonAsync<JsonObject>(path))!;

    public Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Eventually.HoldsAsync(async () => _process.HasExited ? throw new InvalidOperationException($"Prometheus exited waiting for {what}:\n{Tail()}") : await condition(),
            timeout, () => $"{what}; Prometheus's output:\n{Tail()}");

    private string Tail()
    {
        lock (_output) return _output.ToString()[^Math.Min(4000, _output.Length)..];
    }

    private void Append(string? line)
    {
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
