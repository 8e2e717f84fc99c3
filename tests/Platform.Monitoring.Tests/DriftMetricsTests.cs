using System.Diagnostics.Metrics;

namespace Platform.Monitoring.Tests;

public sealed class DriftMetricsTests
{
    [Fact]
    public async Task Gauges_hold_the_latest_window_per_feature_and_counters_count_windows_and_events()
    {
        await using var harness = new MonitoringHarness(new MonitoringOptions { WindowRows = 200, MinWindowRows = 50 });
        var gauges = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        var counters = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter == harness.Meter) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            gauges.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            counters[instrument.Name] = counters.GetValueOrDefault(instrument.Name) + value);
        listener.Start();

        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 200, shift: 0.0);
        await harness.LogAsync(1, 200, shift: 3.0);
        listener.RecordObservableInstruments();

        var scores = gauges.Where(g => g.Name == "platform.monitoring.feature_drift_score").ToList();
        Assert.Equal(["x1", "x2", "x3"], scores.Select(s => (string)s.Tags["feature"]!).Order());
        Assert.All(scores, s => Assert.Equal(MonitoringHarness.Model, s.Tags["model"]));
        // The latest window (three standard deviations) is what the gauge shows: KS D near 1.
        Assert.All(scores, s => Assert.InRange(s.Value, 0.8, 1.0));
        Assert.Equal(1.0, Assert.Single(gauges, g => g.Name == "platform.monitoring.drifted_share").Value);
        Assert.Equal(2, counters["platform.monitoring.windows"]);
        Assert.Equal(1, counters["platform.monitoring.drift_events"]);
    }
}
