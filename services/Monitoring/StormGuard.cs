namespace Platform.Monitoring;

/// <summary>
/// Decides whether a drifted window may raise <c>DriftDetected</c>, so that one lasting shift (or an input that flaps
/// between shifted and normal) starts one retrain, not one per window.
/// </summary>
/// <remarks>
/// Two rules, both over the events already published for the model (data and concept drift alike, since both start a retrain):
/// <list type="number">
/// <item>Cooldown: after an event for the production version, none for it until <see cref="MonitoringOptions.Cooldown"/> has
/// passed. Only events since the version's latest promotion count, so a new promotion (or a rollback) resets the cooldown:
/// the newly served version deserves its own verdict.</item>
/// <item>Daily cap: at most <see cref="MonitoringOptions.MaxRetrainsPerDay"/> events per model in any 24 hours, whatever the
/// version: retrains whose challengers keep being promoted and drifting again cannot loop without bound.</item>
/// </list>
/// </remarks>
public static class StormGuard
{
    /// <param name="published">Events published for the model: the version and when.</param>
    /// <returns>Why the event must be suppressed, or null when it may go out.</returns>
    public static string? Check(IReadOnlyCollection<(int Version, DateTimeOffset At)> published, int version, DateTimeOffset promotedAt,
        DateTimeOffset now, MonitoringOptions options)
    {
        var last = published.Where(e => e.Version == version && e.At >= promotedAt).Select(e => (DateTimeOffset?)e.At).Max();
        if (last is { } at && now - at < options.Cooldown)
            return $"drift: suppressed, cooldown of v{version} until {at + options.Cooldown:O}";
        if (published.Count(e => now - e.At < TimeSpan.FromDays(1)) >= options.MaxRetrainsPerDay)
            return $"drift: suppressed, {options.MaxRetrainsPerDay} retrains in the last 24 hours";
        return null;
    }
}
