using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using System.Collections.Concurrent;

namespace Platform.Ingestion.Tests;

/// <summary>An HTTP answer: the status and the JSON body (a version, or RFC 9457 problem details).</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string? ContentType, JsonNode? Body)
{
    public IReadOnlyList<JsonNode> Problems => Body?["problems"]?.AsArray().Select(p => p!).ToList() ?? [];

    public bool HasProblem(string code, string? column = null, long? row = null) => Problems.Any(p =>
        (string?)p["code"] == code &&
        (column is null || (string?)p["column"] == column) &&
        (row is null || (long?)p["row"] == row));

    public override string ToString() => $"{(int)Status} {Body?.ToJsonString()}";
}

public static class TestApi
{
    public static async Task<HttpAnswer> UploadAsync(
        this HttpClient client, string name, byte[] bytes, string? target = "y", string? task = null, bool append = false, bool newSchema = false,
        string? kinds = null)
    {
        var query = new List<string>();
        if (target is not null) query.Add($"target={Uri.EscapeDataString(target)}");
        if (task is not null) query.Add($"task={task}");
        if (append) query.Add("append=true");
        if (newSchema) query.Add("schema=new");
        if (kinds is not null) query.Add($"kinds={Uri.EscapeDataString(kinds)}");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync($"datasets/{Uri.EscapeDataString(name)}?{string.Join('&', query)}", content);
        return await ReadAsync(response);
    }

    public static async Task<HttpAnswer> GetAsync(this HttpClient client, string path, bool json)
    {
        using var response = await client.GetAsync(path);
        return await ReadAsync(response);
    }

    private static async Task<HttpAnswer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0)
        {
            try { body = JsonNode.Parse(text); }
            catch (JsonException) { body = JsonValue.Create(text); }
        }

        return new HttpAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }
}

/// <summary>A tiny HTTP server on loopback that serves bytes for claim checks, as a producer's file store would.</summary>
public sealed class ClaimCheckServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new();

    private ClaimCheckServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<ClaimCheckServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ClaimCheckServer(app);
        app.MapGet("/files/{id}", (string id) => server._files.TryGetValue(id, out var bytes) ? Results.Bytes(bytes, "text/csv") : Results.NotFound());
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    public Uri Serve(byte[] bytes)
    {
        var id = Guid.NewGuid().ToString("N");
        _files[id] = bytes;
        return new Uri(Url, $"/files/{id}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
