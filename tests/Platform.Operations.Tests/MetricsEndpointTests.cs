using System.Net;
using System.Text.Json.Nodes;

namespace Platform.Operations.Tests;

[Collection(EmbeddedPlatformCollection.Name)]
public sealed class MetricsEndpointTests(EmbeddedPlatform platform)
{
    [Fact]
    public async Task Metrics_endpoint_holds_the_inference_latency_histogram_and_the_drift_metrics_after_predictions()
    {
        var text = await platform.MetricsAsync();
        var samples = PrometheusText.Parse(text);

        // The latency histogram: buckets per model and version, the +Inf bucket equal to the count of requests.
        Assert.Contains("# TYPE platform_inference_request_duration_milliseconds histogram", text);
        var ok = "model=\"diabetes\",outcome=\"ok\",version=\"1\"";
        var count = samples.Single(s => s.Name == "platform_inference_request_duration_milliseconds_count" && s.Labels.Contains(ok)).Value;
        Assert.True(count >= 4, $"4 predict requests were made, the histogram counts {count}");
        var infinity = samples.Single(s => s.Name == "platform_inference_request_duration_milliseconds_bucket" && s.Labels.Contains(ok) && s.Labels.Contains("le=\"+Inf\"")).Value;
        Assert.Equal(count, infinity);
        // Sub-millisecond buckets, not OpenTelemetry's default first bucket of 5 ms.
        Assert.Contains(samples, s => s.Name == "platform_inference_request_duration_milliseconds_bucket" && s.Labels.Contains("le=\"0.25\""));
        Assert.Equal(89 * 4, samples.Single(s => s.Name == "platform_inference_rows_total" && s.Labels.Contains("model=\"diabetes\"")).Value);

        // The drift metrics: every feature of the drifted window, with the shift (0.4, about eight standard deviations) plain to see.
        var features = new[] { "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6" };
        var scores = samples.Where(s => s.Name == "platform_monitoring_feature_drift_score" && s.Labels.Contains("model=\"diabetes\"")).ToList();
        Assert.Equal(features.Order(), scores.Select(s => s.Label("feature")).Order());
        Assert.All(scores, s => Assert.InRange(s.Value, 0.5, 1.0));
        Assert.All(samples.Where(s => s.Name == "platform_monitoring_feature_p_value"), s => Assert.InRange(s.Value, 0, 0.05));
        Assert.Equal(features.Length, samples.Count(s => s.Name == "platform_monitoring_feature_psi"));
        Assert.InRange(samples.Single(s => s.Name == "platform_monitoring_drifted_share").Value, 0.3, 1.0);
        Assert.True(samples.Single(s => s.Name == "platform_monitoring_drift_events_total" && s.Labels.Contains("kind=\"data\"")).Value >= 1);

        // What the alerts need besides: health per check, outbox backlog per context, finished training runs.
        Assert.Contains(samples, s => s.Name == "platform_health_status" && s.Label("check") == "masstransit-bus" && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "platform_health_status" && s.Label("check") == "trainingdb" && s.Value == 1);
        Assert.Equal(4, samples.Count(s => s.Name == "platform_outbox_pending"));
        Assert.Contains(samples, s => s.Name == "platform_training_runs_total" && s.Label("status") == "succeeded" && s.Label("trigger") == "dataset");
    }

    [Fact]
    public async Task Metrics_endpoint_is_open_by_default_and_not_in_the_OpenAPI_document()
    {
        using var anonymous = platform.Standalone.CreateClient();
        using var response = await anonymous.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);

        var openApi = JsonNode.Parse(await anonymous.GetStringAsync("openapi/v1.json"))!;
        Assert.DoesNotContain("/metrics", openApi["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Promotion_and_drift_reach_the_webhook_signed_with_the_shared_secret()
    {
        await platform.Standalone.UntilAsync(() => Task.FromResult(
            platform.Webhooks.Received.Any(d => d.Event == "model.promoted") && platform.Webhooks.Received.Any(d => d.Event == "drift.detected")),
            EmbeddedPlatform.Slow, "a model.promoted and a drift.detected webhook");

        var promoted = platform.Webhooks.Received.First(d => d.Event == "model.promoted");
        Assert.True(Signatures.Verify(promoted, EmbeddedPlatform.WebhookSecret), "the promotion's signature does not verify");
        Assert.False(Signatures.Verify(promoted, "another secret"));
        var body = JsonNode.Parse(promoted.Body)!;
        Assert.Equal("model.promoted", (string?)body["event"]);
        Assert.Equal("diabetes", (string?)body["data"]!["model"]);
        Assert.Equal(1, (int?)body["data"]!["version"]);
        Assert.Equal(promoted.DeliveryId, (string?)body["deliveryId"]);

        var drift = platform.Webhooks.Received.First(d => d.Event == "drift.detected");
        Assert.True(Signatures.Verify(drift, EmbeddedPlatform.WebhookSecret), "the drift notice's signature does not verify");
        var notice = JsonNode.Parse(drift.Body)!["data"]!;
        Assert.Equal("data", (string?)notice["kind"]);
        Assert.Contains("bmi", notice["driftedFeatures"]!.AsArray().Select(f => (string?)f));
    }
}
