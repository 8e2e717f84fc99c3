using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Notifications;

/// <summary>
/// Sends one event to the configured webhook: a JSON body <c>{"event","deliveryId","sentAt","data"}</c> with the headers
/// <c>X-Platform-Event</c>, <c>X-Platform-Delivery</c> (the same on every retry: receivers deduplicate on it),
/// <c>X-Platform-Timestamp</c> (Unix seconds) and <c>X-Platform-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of
/// <c>"{timestamp}.{body}"</c> under the shared secret. Retries with backoff are the HttpClient's (see
/// <see cref="WebhookRegistration"/>); a failure after the last attempt throws, so the message goes through the bus's
/// retries and then to the endpoint's <c>_error</c> queue, where nothing is lost.
/// </summary>
public sealed class WebhookNotifier(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookNotifier> logger)
{
    public const string Drift = "drift";
    public const string Promotion = "promotion";
    public static readonly string[] Kinds = [Drift, Promotion];

    public const string SignatureHeader = "X-Platform-Signature";
    public const string TimestampHeader = "X-Platform-Timestamp";
    public const string EventHeader = "X-Platform-Event";
    public const string DeliveryHeader = "X-Platform-Delivery";

    private static readonly Counter<long> Sent = PlatformTelemetry.Meter.CreateCounter<long>(
        "platform.notifications.sent", description: "Webhook notifications delivered or failed after every attempt (tags event, outcome)");

    public sealed record Payload(string Event, string DeliveryId, DateTimeOffset SentAt, object Data);

    public async Task SendAsync(string eventName, string deliveryId, object data, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sentAt = clock.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new Payload(eventName, deliveryId, sentAt, data), JsonSerializerOptions.Web);
        var timestamp = sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventHeader, eventName);
        request.Headers.Add(DeliveryHeader, deliveryId);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(settings.Secret!, timestamp, body));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            Sent.Add(1, new("event", eventName), new("outcome", "delivered"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            Sent.Add(1, new("event", eventName), new("outcome", "failed"));
            logger.LogWarning(ex, "Webhook {Event} {Delivery} to {Url} failed after {Attempts} attempts", eventName, deliveryId, settings.Url, settings.MaxAttempts);
            throw;
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
