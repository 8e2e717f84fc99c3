using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Ml.Drift;

namespace Platform.Monitoring;

/// <summary>
/// The monitoring numbers as OpenTelemetry instruments: gauges over the latest window per model (and feature), counters
/// of windows, events and feedback. Gauges observe the latest values held here, so a scrape always sees the current state.
/// </summary>
public sealed class DriftMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Feature), ColumnDrift> _features = new();
    private readonly ConcurrentDictionary<string, double> _driftedShare = new();
    private readonly ConcurrentDictionary<(string Model, string Metric), double> _quality = new();
    private readonly ConcurrentDictionary<string, double> _confidence = new();
    private readonly Counter<long> _windows;
    private readonly Counter<long> _events;
    private readonly Counter<long> _feedback;
    private readonly Counter<long> _unattributed;
    private readonly Counter<long> _suppressed;
    private readonly ConcurrentDictionary<(string Model, string Metric), double> _holdout = new();

    public DriftMetrics() : this(PlatformTelemetry.Meter) { }

    public DriftMetrics(Meter meter)
    {
        _windows = meter.CreateCounter<long>("platform.monitoring.windows", description: "Windows checked (tag kind: data or concept)");
        _events = meter.CreateCounter<long>("platform.monitoring.drift_events", description: "DriftDetected events published (tag kind)");
        _feedback = meter.CreateCounter<long>("platform.monitoring.feedback",
            description: "Feedback items by outcome (accepted, replaced, duplicate, wrong_type, pending, unknown; submitted and rejected count labelled rows sent to Ingestion)");
        _unattributed = meter.CreateCounter<long>("platform.monitoring.rows.unattributed",
            description: "Logged predictions of a version that is not the production one, even after asking the Registry (tags model, version)");
        _suppressed = meter.CreateCounter<long>("platform.monitoring.drift_suppressed", description: "Drifted windows the storm guard kept from raising DriftDetected (tag kind)");
        meter.CreateObservableGauge("platform.monitoring.feature_drift_score",
            () => _features.Select(f => Measure(f.Value.Statistic, f.Key)),
            description: "Latest window's test statistic per feature (KS D, or chi-square X²)");
        meter.CreateObservableGauge("platform.monitoring.feature_psi",
            () => _features.Select(f => Measure(f.Value.Psi, f.Key)),
            description: "Latest window's population stability index per feature");
        meter.CreateObservableGauge("platform.monitoring.feature_p_value",
            () => _features.Select(f => Measure(f.Value.AdjustedPValue, f.Key)),
            description: "Latest window's Benjamini–Hochberg adjusted p-value per feature");
        meter.CreateObservableGauge("platform.monitoring.drifted_share",
            () => _driftedShare.Select(s => new Measurement<double>(s.Value, new KeyValuePair<string, object?>("model", s.Key))),
            description: "Latest data window's share of drifted features");
        meter.CreateObservableGauge("platform.monitoring.live_quality",
            () => _quality.Select(q => new Measurement<double>(q.Value, new("model", q.Key.Model), new("metric", q.Key.Metric))),
            description: "Latest quality window's live metric (rmse or accuracy) on feedback");
        meter.CreateObservableGauge("platform.monitoring.holdout_quality",
            () => _holdout.Select(q => new Measurement<double>(q.Value, new("model", q.Key.Model), new("metric", q.Key.Metric))),
            description: "The served version's holdout value of the live quality metric, the baseline live_quality is compared with");
        meter.CreateObservableGauge("platform.monitoring.mean_confidence",
            () => _confidence.Select(c => new Measurement<double>(c.Value, new KeyValuePair<string, object?>("model", c.Key))),
            description: "Latest data window's mean top-class probability (classifiers)");
    }

    public void DataWindow(string model, DriftReport report, double? meanConfidence)
    {
        _windows.Add(1, new("model", model), new("kind", "data"));
        // A feature the latest window did not analyse must not keep an old score.
        foreach (var key in _features.Keys.Where(k => k.Model == model)) _features.TryRemove(key, out _);
        foreach (var column in report.Columns) _features[(model, column.Column)] = column;
        _driftedShare[model] = report.DriftedShare;
        if (meanConfidence is { } confidence) _confidence[model] = confidence;
    }

    public void QualityWindow(string model, string metric, double live, double? holdout = null)
    {
        _windows.Add(1, new("model", model), new("kind", "concept"));
        _quality[(model, metric)] = live;
        if (holdout is { } baseline) _holdout[(model, metric)] = baseline;
    }

    public void EventPublished(string model, string kind) => _events.Add(1, new("model", model), new("kind", kind));

    public void Feedback(string outcome, long count)
    {
        if (count > 0) _feedback.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Counts a drifted window's outcome: the event it published, or the storm guard holding it back.</summary>
    public void Decided(Model.WindowReport window)
    {
        if (window.EventPublished) EventPublished(window.ModelName, window.Kind);
        else if (window.DatasetDrift) _suppressed.Add(1, new("model", window.ModelName), new("kind", window.Kind));
    }


    public void Unattributed(string model, int version, int rows) => _unattributed.Add(rows, new("model", model), new("version", version));

    private static Measurement<double> Measure(double value, (string Model, string Feature) key) =>
        new(value, new("model", key.Model), new("feature", key.Feature));
}
