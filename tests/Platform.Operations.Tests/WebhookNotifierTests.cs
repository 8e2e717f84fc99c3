using Platform.ServiceDefaults;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults.Notifications;
using Platform.Tests;

namespace Platform.Operations.Tests;

/// <summary>The webhook notifier as a service host composes it (service defaults, MassTransit's in-memory bus), against a real HTTP receiver.</summary>
public sealed class WebhookNotifierTests : IAsyncLifetime
{
    private const string Secret = "webhook-test-secret";
    private readonly WebhookReceiver _receiver = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_drift_event_is_retried_with_backoff_until_the_receiver_accepts_it_and_every_attempt_carries_a_valid_signature()
    {
        _receiver.AnswerNext(503, 500);
        using var host = await StartHostAsync(maxAttempts: 4, firstRetryDelay: TimeSpan.FromMilliseconds(200));

        var reportId = Guid.NewGuid();
        await host.Services.GetRequiredService<IBus>().Publish(new DriftDetected(reportId, "diabetes", 3, 0.6, 0.3,
            [new FeatureDrift("bmi", "ks", 0.9, 1e-12, true), new FeatureDrift("age", "ks", 0.05, 0.7, false)], 1000,
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        await Eventually.HoldsAsync(() => _receiver.Received.Count >= 3, TimeSpan.FromSeconds(30), "three attempts");
        await Task.Delay(1000); // a fourth attempt would come within 800 ms: there must be none after the 200
        var attempts = _receiver.Received;
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.True(Signatures.Verify(a, Secret), "an attempt's signature does not verify"));
        Assert.All(attempts, a => Assert.Equal(reportId.ToString(), a.DeliveryId));
        Assert.All(attempts, a => Assert.Equal("drift.detected", a.Event));
        Assert.Single(attempts.Select(a => Convert.ToBase64String(a.Body)).Distinct());
        // Exponential backoff without jitter: 200 ms, then 400 ms. Lower bounds only: a busy machine can only make waits longer.
        var firstWait = attempts[1].At - attempts[0].At;
        var secondWait = attempts[2].At - attempts[1].At;
        Assert.True(firstWait >= TimeSpan.FromMilliseconds(190), $"first retry after {firstWait.TotalMilliseconds} ms");
        Assert.True(secondWait >= TimeSpan.FromMilliseconds(390), $"second retry after {secondWait.TotalMilliseconds} ms");

        var body = JsonNode.Parse(attempts[0].Body)!;
        Assert.Equal("diabetes", (string?)body["data"]!["model"]);
        Assert.Equal(["bmi"], body["data"]!["driftedFeatures"]!.AsArray().Select(f => (string)f!));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_gets_exactly_the_configured_attempts_and_the_sender_sees_the_failure()
    {
        _receiver.AnswerNext(500, 500, 500, 500, 500);
        using var host = await StartHostAsync(maxAttempts: 3, firstRetryDelay: TimeSpan.FromMilliseconds(50), events: WebhookNotifier.Promotion);
        var notifier = host.Services.GetRequiredService<WebhookNotifier>();

        await Assert.ThrowsAsync<HttpRequestException>(() => notifier.SendAsync("model.promoted", "m/v1", new { model = "m" }, CancellationToken.None));
        Assert.Equal(3, _receiver.Received.Count);
    }

    [Fact]
    public async Task Events_not_chosen_are_not_sent_and_a_url_without_a_secret_refuses_to_start()
    {
        using (var host = await StartHostAsync(maxAttempts: 1, firstRetryDelay: TimeSpan.Zero, events: WebhookNotifier.Promotion))
        {
            await host.Services.GetRequiredService<IBus>().Publish(new DriftDetected(Guid.NewGuid(), "m", 1, 1, 0.3, [], 10,
                DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
            await Task.Delay(1000);
            Assert.Empty(_receiver.Received);
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHostAsync(maxAttempts: 1, firstRetryDelay: TimeSpan.Zero, secret: ""));
        Assert.Contains("Secret is required", error.Message);
    }

    private async Task<IHost> StartHostAsync(int maxAttempts, TimeSpan firstRetryDelay, string? events = null, string secret = Secret)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:AllowAnonymous"] = "true",
            ["Messaging:Transport"] = "InMemory",
            ["Notifications:Webhook:Url"] = _receiver.Url.ToString(),
            ["Notifications:Webhook:Secret"] = secret,
            ["Notifications:Webhook:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Webhook:FirstRetryDelay"] = firstRetryDelay.ToString(),
            ["Notifications:Webhook:UseJitter"] = "false",
        });
        if (events is not null) builder.Configuration["Notifications:Webhook:Events:0"] = events;
        builder.AddServiceDefaults();
        builder.AddPlatformMessaging();
        var host = builder.Build();
        // MassTransit keeps the first host's logger factory in a static; a later host in this process must set its own.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

}
