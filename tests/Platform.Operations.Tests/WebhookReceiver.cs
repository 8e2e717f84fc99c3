using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Tests;

namespace Platform.Operations.Tests;

/// <summary>A real HTTP endpoint on loopback that records every webhook POST and answers with the statuses it is told to.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(string? Event, string? DeliveryId, string? Timestamp, string? Signature, byte[] Body, DateTimeOffset At);

    private readonly ConcurrentQueue<Delivery> _received = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private WebApplication? _app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<Delivery> Received => _received.ToArray();

    /// <summary>The next requests are answered with these statuses, in order; afterwards 200.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses) _statuses.Enqueue(status);
    }

    public async Task StartAsync()
    {
        var port = LoopbackPorts.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _received.Enqueue(new Delivery(request.Headers["X-Platform-Event"], request.Headers["X-Platform-Delivery"],
                request.Headers["X-Platform-Timestamp"], request.Headers["X-Platform-Signature"], body.ToArray(), DateTimeOffset.UtcNow));
            return Results.StatusCode(_statuses.TryDequeue(out var status) ? status : StatusCodes.Status200OK);
        });
        await _app.StartAsync();
        Url = new Uri($"http://127.0.0.1:{port}/hooks");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
