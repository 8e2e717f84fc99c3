namespace Platform.Registry.Reconciliation;

/// <summary>
/// When the reconciler may try a run again whose registration failed: after one interval, then twice as long after
/// each further failure, up to <see cref="ReconcileOptions.MaxRetryDelay"/>. A run whose artifact no longer matches
/// is thus retried a handful of times a day, not on every pass. Kept in memory: a restart tries each once more.
/// </summary>
public sealed class RegistrationRetries
{
    private readonly Dictionary<Guid, (int Failures, DateTimeOffset NextAttempt)> _failed = [];

    public bool IsDue(Guid runId, DateTimeOffset now) => !_failed.TryGetValue(runId, out var failed) || now >= failed.NextAttempt;

    /// <summary>Records a failed attempt; returns when the run may be tried again.</summary>
    public DateTimeOffset Failed(Guid runId, DateTimeOffset now, ReconcileOptions options)
    {
        var failures = _failed.TryGetValue(runId, out var failed) ? failed.Failures + 1 : 1;
        // 2^(failures-1) intervals, computed in ticks without overflow: the cap is reached long before 2^62.
        var ticks = options.Interval.Ticks << Math.Min(failures - 1, 30);
        var delay = ticks <= 0 || ticks > options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks(ticks);
        _failed[runId] = (failures, now + delay);
        return now + delay;
    }

    /// <summary>The run is registered (by this pass or the event): nothing to remember.</summary>
    public void Forget(Guid runId) => _failed.Remove(runId);

    public int Count => _failed.Count;
}
