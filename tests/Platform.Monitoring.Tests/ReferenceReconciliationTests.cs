using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Platform.Monitoring.Tests;

public sealed class ReferenceReconciliationTests
{
    private static MonitoringOptions Options() => new() { WindowRows = 200, MinWindowRows = 50, ReconcileInterval = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Predictions_of_a_version_whose_promotion_was_missed_load_its_reference_from_the_registry_and_are_monitored()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        harness.Clock.Advance(TimeSpan.FromMinutes(5));
        harness.RegistryProduction = 2; // v2 was promoted, but its ModelPromoted never arrived

        await harness.LogAsync(2, 200, shift: 3.0);

        var reference = await harness.QueryAsync(db => db.References.AsNoTracking().SingleAsync());
        Assert.Equal(2, reference.Version);
        var report = Assert.Single(await harness.ReportsAsync());
        Assert.Equal(2, report.Version);
        Assert.Equal(200, report.Rows);
        Assert.True(report.DatasetDrift);
    }

    [Fact]
    public async Task Predictions_of_a_version_not_in_production_are_counted_and_the_registry_is_asked_once_per_interval()
    {
        await using var harness = new MonitoringHarness(Options());
        var unattributed = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == harness.Meter && instrument.Name == "platform.monitoring.rows.unattributed") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => unattributed += value);
        listener.Start();
        await harness.PromoteAsync(1);
        harness.RegistryProduction = 1;

        await harness.LogAsync(3, 40);
        await harness.LogAsync(3, 40);

        Assert.Equal(80, unattributed);
        Assert.Equal(1, harness.RegistryCalls);
        Assert.Equal(0, await harness.QueryAsync(db => db.WindowRows.CountAsync()));

        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await harness.LogAsync(3, 10);
        Assert.Equal(2, harness.RegistryCalls);
        Assert.Equal(90, unattributed);
    }

    [Fact]
    public async Task An_unreachable_registry_leaves_the_batch_counted_not_failed()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);
        harness.RegistryDown = true;

        await harness.LogAsync(2, 30); // does not throw: the consumer would otherwise retry and dead-letter the batch

        Assert.Equal(1, harness.RegistryCalls);
        Assert.Equal(1, (await harness.QueryAsync(db => db.References.AsNoTracking().SingleAsync())).Version);
    }

    [Fact]
    public async Task The_periodic_pass_loads_the_reference_of_every_production_version_it_lacks()
    {
        await using var harness = new MonitoringHarness(Options());
        harness.RegistryProduction = 4;

        await harness.ReconcileAsync();

        var reference = await harness.QueryAsync(db => db.References.AsNoTracking().SingleAsync());
        Assert.Equal(4, reference.Version);
        Assert.Equal(2000, reference.Rows);
    }

    [Fact]
    public async Task Missing_inputs_are_left_out_of_the_drift_test_not_read_as_zero()
    {
        await using var harness = new MonitoringHarness(Options());
        await harness.PromoteAsync(1);

        // x1 is missing in every row (the mask says so; the placeholder 0 would look like no drift at all).
        await harness.LogAsync(1, 200, shift: 3.0, missing: [0]);

        var report = Assert.Single(await harness.ReportsAsync());
        using var features = JsonDocument.Parse(report.FeaturesJson);
        var tested = features.RootElement.EnumerateArray().Select(c => c.GetProperty("column").GetString()).ToList();
        Assert.Equal(["x2", "x3"], tested);
    }
}
