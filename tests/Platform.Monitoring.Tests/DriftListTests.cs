using Platform.Monitoring.Apis;

namespace Platform.Monitoring.Tests;

public sealed class DriftListTests
{
    [Fact]
    public async Task The_drift_list_is_newest_first_cut_to_the_limit_with_histograms_on_its_newest_data_report_only()
    {
        await using var harness = new MonitoringHarness(new MonitoringOptions { WindowRows = 200, MinWindowRows = 50 });
        await harness.PromoteAsync(1);
        for (var window = 0; window < 3; window++)
        {
            await harness.LogAsync(1, 200, shift: window);
            harness.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var stored = await harness.ReportsAsync();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, r => Assert.NotNull(r.Histograms));

        var listed = (await harness.QueryAsync(db => DriftApi.ListAsync(MonitoringHarness.Model, 2, db, CancellationToken.None))).Value!;

        Assert.Equal([stored[2].Id, stored[1].Id], listed.Select(r => r.Id));
        Assert.Equal(["x1", "x2", "x3"], listed[0].Histograms!.Select(h => h.Feature));
        Assert.Null(listed[1].Histograms);
        Assert.Equal(3, listed[0].Features.GetArrayLength());
        Assert.Equal(3, listed[1].Features.GetArrayLength());
    }
}
