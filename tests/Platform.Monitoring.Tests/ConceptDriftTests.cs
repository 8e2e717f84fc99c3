using System.Globalization;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.Tests;

namespace Platform.Monitoring.Tests;

/// <summary>Live quality on feedback against the version's holdout metric (concept drift), and the classifier's confidence.</summary>
public sealed class ConceptDriftTests
{
    private static MonitoringOptions Options() => new()
    {
        WindowRows = 200,
        MinWindowRows = 50,
        QualityWindowRows = 100,
        QualityMargin = 0.2,
        Cooldown = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task Regression_rmse_worse_than_holdout_beyond_the_margin_raises_concept_drift()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1, TaskNames.Regression, new() { ["rmse"] = 1.0, ["r2"] = 0.5 });

        // Window 1: errors of ±1.1 (RMSE 1.1, 10% worse): within the margin.
        var ids = await harness.LogAsync(1, 100, output: _ => "0");
        await harness.FeedbackAsync(ids.Select((id, i) => (id, (i % 2 == 0 ? 1.1 : -1.1).ToString(CultureInfo.InvariantCulture))));
        // Window 2: feedback first, the prediction log batch after it (Inference batches its log): errors of 3.
        var later = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
        await harness.FeedbackAsync(later.Select(id => (id, "3")));
        Assert.Single(await harness.ReportsAsync(), r => r.Kind == DriftKinds.Concept);
        await harness.LogAsync(1, 100, output: _ => "0", ids: later);

        var concept = (await harness.ReportsAsync()).Where(r => r.Kind == DriftKinds.Concept).ToList();
        Assert.Equal(2, concept.Count);
        Assert.Equal("rmse", concept[0].QualityMetric);
        Assert.Equal(1.1, concept[0].LiveQuality!.Value, 9);
        Assert.False(concept[0].DatasetDrift);
        Assert.Equal(3.0, concept[1].LiveQuality!.Value, 9);
        Assert.Equal(1.0, concept[1].HoldoutQuality);
        Assert.True(concept[1].EventPublished);

        var drift = Assert.Single(await harness.EventsAsync());
        Assert.Equal(DriftKinds.Concept, drift.Kind);
        Assert.Equal(2.0, drift.DriftedShare, 9); // RMSE 200% worse than holdout
        Assert.Equal(0.2, drift.Threshold);
        Assert.Empty(drift.Features);
        Assert.Equal(100, drift.WindowRows);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Classifier_accuracy_drop_raises_concept_drift_and_a_confidence_drop_is_reported(string provider)
    {
        // Both providers: the version's first window is found by the database (dates compared and ordered in SQL).
        await using var database = await TestDatabase<MonitoringDbContext>.CreateAsync(provider, "monitoringdb", o => new MonitoringDbContext(o));
        await using var harness = new MonitoringHarness(Options(), database);
        await harness.PromoteAsync(1, TaskNames.Binary, new() { ["accuracy"] = 0.9, ["auc"] = 0.95 });

        // Two data windows (unshifted inputs): confident, then much less so.
        var confident = await harness.LogAsync(1, 200, output: _ => "yes", confidence: _ => 0.9);
        var unsure = await harness.LogAsync(1, 200, output: _ => "yes", confidence: _ => 0.6);
        var data = (await harness.ReportsAsync()).Where(r => r.Kind == DriftKinds.Data).ToList();
        Assert.Equal(2, data.Count);
        Assert.Equal(0.9, data[0].MeanConfidence!.Value, 9);
        Assert.False(data[0].ConfidenceDrop);
        Assert.Equal(0.6, data[1].MeanConfidence!.Value, 9);
        Assert.True(data[1].ConfidenceDrop);
        Assert.Contains("confidence", data[1].Decision, StringComparison.Ordinal);

        // 85 of 100 right (5.6% below 0.9): no drift; then 50 of 100 (44% below): concept drift.
        await harness.FeedbackAsync(confident.Take(100).Select((id, i) => (id, i < 85 ? "yes" : "no")));
        await harness.FeedbackAsync(unsure.Take(100).Select((id, i) => (id, i < 50 ? "yes" : "no")));

        var concept = (await harness.ReportsAsync()).Where(r => r.Kind == DriftKinds.Concept).ToList();
        Assert.Equal([0.85, 0.5], concept.Select(r => r.LiveQuality!.Value));
        Assert.All(concept, r => Assert.Equal("accuracy", r.QualityMetric));
        Assert.Equal([false, true], concept.Select(r => r.EventPublished));
        var drift = Assert.Single(await harness.EventsAsync());
        Assert.Equal(DriftKinds.Concept, drift.Kind);
    }

    [Fact]
    public async Task Concept_and_data_drift_share_one_cooldown()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 200, shift: 1.0, output: _ => "0");
        await harness.FeedbackAsync(ids.Take(100).Select(id => (id, "5")));

        var concept = Assert.Single(await harness.ReportsAsync(), r => r.Kind == DriftKinds.Concept);
        Assert.True(concept.DatasetDrift);
        Assert.Contains("cooldown", concept.Decision, StringComparison.Ordinal);
        Assert.Equal(DriftKinds.Data, Assert.Single(await harness.EventsAsync()).Kind);
    }

    [Fact]
    public async Task Without_a_holdout_metric_quality_is_reported_but_never_alarms()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1, TaskNames.Regression, new() { ["r2"] = 0.5 });
        var ids = await harness.LogAsync(1, 100, output: _ => "0");
        await harness.FeedbackAsync(ids.Select(id => (id, "100")));
        var report = Assert.Single(await harness.ReportsAsync());
        Assert.Equal(100, report.LiveQuality);
        Assert.StartsWith("no baseline", report.Decision, StringComparison.Ordinal);
        Assert.Empty(await harness.EventsAsync());
    }

    [Fact]
    public async Task Feedback_and_outputs_past_retention_are_deleted()
    {
        var options = Options();
        options.OutputRetention = TimeSpan.FromDays(1);
        await using var harness = new MonitoringHarness(options);
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 10);
        await harness.FeedbackAsync(ids.Select(id => (id, "1")));
        harness.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await harness.LogAsync(1, 5);
        await harness.SweepAsync();

        Assert.Equal(5, await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Outputs)));
        Assert.Equal(0, await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Feedback)));
    }
}
