using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Platform.Contracts;

namespace Platform.ServiceDefaults.Notifications;

/// <summary>
/// Registers the webhook notifier's consumers when <c>Notifications:Webhook:Url</c> is set. Every host composes this
/// (through <c>AddPlatformMessaging</c>), and the consumers' queues have the same names everywhere, so however many
/// services enable it, each event is sent once.
/// </summary>
public static class WebhookRegistration
{
    public const string HttpClientName = "platform-webhook";

    public static void AddWebhookNotifier(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        var section = configuration.GetSection(WebhookOptions.Section);
        bus.AddOptions<WebhookOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        if (section.Get<WebhookOptions>() is not { Enabled: true }) return;

        bus.TryAddSingleton(TimeProvider.System);
        // Not the standard handler every other client gets: its retries would multiply ours. (Marked for evaluation
        // in Microsoft.Extensions.Http.Resilience 10.0; the alternative, an HttpClient outside the factory, loses its handlers.)
#pragma warning disable EXTEXP0001
        bus.AddHttpClient<WebhookNotifier>(HttpClientName)
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddResilienceHandler("webhook", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                if (options.MaxAttempts > 1)
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxAttempts - 1,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = options.UseJitter,
                        Delay = options.FirstRetryDelay,
                        MaxDelay = options.MaxRetryDelay,
                    });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
        bus.AddConsumer<DriftDetectedNotifier>();
        bus.AddConsumer<ModelPromotedNotifier>();
    }
}

public sealed class DriftDetectedNotifier(WebhookNotifier notifier, IOptions<WebhookOptions> options) : IConsumer<DriftDetected>
{
    public sealed record Notice(Guid ReportId, string Model, int Version, string Kind, double DriftedShare, double Threshold,
        IReadOnlyList<string> DriftedFeatures, int WindowRows, DateTimeOffset DetectedAt);

    public Task Consume(ConsumeContext<DriftDetected> context)
    {
        if (!options.Value.Sends(WebhookNotifier.Drift)) return Task.CompletedTask;
        var e = context.Message;
        return notifier.SendAsync("drift.detected", e.ReportId.ToString(),
            new Notice(e.ReportId, e.ModelName, e.Version, e.Kind, e.DriftedShare, e.Threshold,
                e.Features.Where(f => f.Drifted).Select(f => f.Feature).ToList(), e.WindowRows, e.DetectedAt),
            context.CancellationToken);
    }
}

public sealed class ModelPromotedNotifier(WebhookNotifier notifier, IOptions<WebhookOptions> options) : IConsumer<ModelPromoted>
{
    public sealed record Notice(string Model, int Version, int? PreviousVersion, Guid RunId, string PrimaryMetric, double HoldoutMetric,
        string Reason, string Dataset, int DatasetVersion, DateTimeOffset PromotedAt);

    public Task Consume(ConsumeContext<ModelPromoted> context)
    {
        if (!options.Value.Sends(WebhookNotifier.Promotion)) return Task.CompletedTask;
        var e = context.Message;
        return notifier.SendAsync("model.promoted", $"{e.ModelName}/v{e.Version}/{e.PromotedAt.ToUnixTimeMilliseconds()}",
            new Notice(e.ModelName, e.Version, e.PreviousVersion, e.RunId, e.PrimaryMetric, e.HoldoutMetric, e.Reason,
                e.DatasetName, e.DatasetVersion, e.PromotedAt),
            context.CancellationToken);
    }
}
