using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Notifications;

/// <summary>
/// <c>Notifications:Webhook</c>: POST drift and promotion events to a URL, signed with HMAC-SHA256. Off unless
/// <see cref="Url"/> is set; a URL without a <see cref="Secret"/> refuses to start (receivers must be able to verify).
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Notifications:Webhook";

    public Uri? Url { get; set; }

    /// <summary>The shared HMAC key (from a secret store in production).</summary>
    public string? Secret { get; set; }

    /// <summary>Which events are sent: <c>drift</c> (DriftDetected) and <c>promotion</c> (ModelPromoted).</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Attempts per event, the first included; 5xx, 408, 429, timeouts and connection errors are retried.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry's delay; each further one doubles it (see <see cref="UseJitter"/>) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Randomises the delays so that many senders do not retry in step; off, they are exactly 1, 2, 4, ... times the first.</summary>
    public bool UseJitter { get; set; } = true;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => Url is not null;

    public bool Sends(string kind) => Enabled && (Events.Count == 0 || Events.Contains(kind, StringComparer.OrdinalIgnoreCase));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is not null && string.IsNullOrWhiteSpace(Secret))
            yield return new ValidationResult($"{Section}:Secret is required when {Section}:Url is set.", [nameof(Secret)]);
        if (Url is not null && !Url.IsAbsoluteUri)
            yield return new ValidationResult($"{Section}:Url must be an absolute http(s) URL.", [nameof(Url)]);
        foreach (var kind in Events.Where(e => !WebhookNotifier.Kinds.Contains(e, StringComparer.OrdinalIgnoreCase)))
            yield return new ValidationResult($"{Section}:Events: unknown '{kind}' (known: {string.Join(", ", WebhookNotifier.Kinds)}).", [nameof(Events)]);
    }
}
