using Platform.Contracts;

namespace Platform.Monitoring.Tests;

public sealed class WindowTests
{
    private static MonitoringOptions Options() => new() { WindowRows = 200, MinWindowRows = 50, MaxWindowAge = TimeSpan.FromHours(1) };

    [Fact]
    public async Task A_quiet_models_old_window_closes_on_the_sweep_without_another_batch()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 60, shift: 2.0);
        harness.Clock.Advance(TimeSpan.FromMinutes(59));
        await harness.SweepAsync();
        Assert.Empty(await harness.ReportsAsync());

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await harness.SweepAsync();
        var report = Assert.Single(await harness.ReportsAsync());
        Assert.Equal(60, report.Rows);
        Assert.True(report.EventPublished);
        Assert.Single(await harness.EventsAsync());
    }

    [Fact]
    public async Task A_large_batch_closes_full_windows_oldest_rows_first_and_keeps_the_rest_pending_and_every_output()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var ids = await harness.LogAsync(1, 450);

        var reports = await harness.ReportsAsync();
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal(200, r.Rows));
        var pending = await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            System.Linq.Queryable.Select(db.WindowRows, r => r.PredictionId)));
        Assert.Equal(ids[400..].Order(), pending.Order());
        Assert.Equal(450, await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Outputs)));
    }

    [Fact]
    public async Task A_window_below_the_minimum_stays_open_however_old()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 49);
        harness.Clock.Advance(TimeSpan.FromHours(5));
        await harness.SweepAsync();
        Assert.Empty(await harness.ReportsAsync());
    }

    [Fact]
    public async Task A_redelivered_batch_counts_once_even_after_its_window_closed()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        var predictions = Enumerable.Range(0, 200).Select(_ => new Platform.Contracts.LoggedPrediction(
            Guid.NewGuid(), harness.Clock.GetUtcNow(), [0.1, 0.2, 0.3], [], "1", null)).ToList();
        var batch = new Platform.Contracts.PredictionsLogged(Guid.NewGuid(), MonitoringHarness.Model, 1, "r", ["x1", "x2", "x3"], [], predictions, 0,
            harness.Clock.GetUtcNow(), harness.Clock.GetUtcNow());
        await harness.SendAsync(batch);
        await harness.SendAsync(batch);
        Assert.Single(await harness.ReportsAsync());
        Assert.Equal(0, await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.WindowRows)));
    }

    [Fact]
    public async Task A_batch_resent_merged_with_newer_rows_takes_in_each_row_exactly_once()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        LoggedPrediction Row() => new(Guid.NewGuid(), harness.Clock.GetUtcNow(), [0.1, 0.2, 0.3], [], "1", null);
        PredictionsLogged Batch(List<LoggedPrediction> rows) => new(Guid.NewGuid(), MonitoringHarness.Model, 1, "r", ["x1", "x2", "x3"], [], rows, 0,
            harness.Clock.GetUtcNow(), harness.Clock.GetUtcNow());
        var held = Enumerable.Range(0, 30).Select(_ => Row()).ToList();
        var newer = Enumerable.Range(0, 20).Select(_ => Row()).ToList();

        // The broker took the first batch but reported a failure: Inference re-sends its rows first, then newer ones,
        // and one of the newer rows twice (a re-send inside the re-send).
        await harness.SendAsync(Batch(held));
        await harness.SendAsync(Batch([.. held, .. newer, newer[0]]));
        // A third batch repeats some newer rows beside a new one; then the merged batch is redelivered.
        var last = Row();
        await harness.SendAsync(Batch([.. newer.Skip(15), last]));
        await harness.SendAsync(Batch([.. held, .. newer, newer[0]]));

        var outputs = await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            System.Linq.Queryable.Select(db.Outputs, o => o.PredictionId)));
        var windowRows = await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            System.Linq.Queryable.Select(db.WindowRows, r => r.PredictionId)));
        var expected = held.Concat(newer).Append(last).Select(p => p.PredictionId).Order().ToList();
        Assert.Equal(expected, outputs.Order());
        Assert.Equal(outputs.Order(), windowRows.Order());
    }

    [Fact]
    public async Task Rows_of_another_version_are_ignored_and_the_reference_keeps_profile_and_holdout_metrics()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(2);
        await harness.LogAsync(1, 300);
        Assert.Empty(await harness.ReportsAsync());

        var reference = await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.References));
        Assert.Equal(2, reference.Version);
        using var profile = System.Text.Json.JsonDocument.Parse(reference.ProfileJson);
        Assert.Equal(2000, profile.RootElement.GetProperty("rowCount").GetInt64());
        Assert.Equal(4, profile.RootElement.GetProperty("columns").GetArrayLength());
        Assert.Contains("\"rmse\":1", reference.HoldoutMetricsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reference_of_a_version_trained_on_part_of_its_dataset_is_the_rows_it_trained_on()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(2, trainingRows: (1500, 2000));

        var reference = await harness.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.References));
        Assert.Equal(500, reference.Rows);
    }
}
