using Platform.Ml.Data;

namespace Platform.Monitoring.Tests;

public sealed class WindowHistogramTests
{
    [Fact]
    public async Task A_shifted_windows_stored_bins_sum_to_one_and_show_the_current_mass_moved_up()
    {
        await using var harness = new MonitoringHarness(new MonitoringOptions { WindowRows = 200, MinWindowRows = 50 });
        await harness.PromoteAsync(1);
        await harness.LogAsync(1, 200, shift: 2.0);

        var report = Assert.Single(await harness.ReportsAsync());
        Assert.NotNull(report.Histograms);
        Assert.Equal(["x1", "x2", "x3"], report.Histograms.Select(h => h.Feature));
        foreach (var histogram in report.Histograms)
        {
            Assert.Equal(histogram.Edges!.Length + 1, histogram.ReferenceShares.Length);
            Assert.InRange(histogram.ReferenceShares.Length, 2, 20);
            Assert.Equal(1, histogram.ReferenceShares.Sum(), 9);
            Assert.Equal(1, histogram.CurrentShares.Sum(), 9);
            // Reference quantile bins hold about a tenth each; two standard deviations up, most of the window is in the top bin.
            Assert.InRange(histogram.ReferenceShares[^1], 0.05, 0.15);
            Assert.True(histogram.CurrentShares[^1] > 0.5, $"{histogram.Feature}: top bin holds {histogram.CurrentShares[^1]:P0}");
            Assert.True(histogram.CurrentShares[0] < histogram.ReferenceShares[0]);
        }
    }

    [Fact]
    public void Categorical_features_keep_the_most_frequent_categories_and_pool_the_rest_so_shares_sum_to_one()
    {
        var reference = new Table([TableColumn.Categorical("colour", Enumerable.Range(0, 300).Select(i => $"c{i % 15}").ToArray())]);
        var current = new Table([TableColumn.Categorical("colour", Enumerable.Range(0, 100).Select(i => i < 80 ? "c0" : $"c{i % 15}").ToArray())]);

        var histogram = Assert.Single(WindowHistograms.Of(reference, current, bins: 10, maxCategories: 10));

        Assert.Equal(10, histogram.Categories!.Length);
        Assert.Equal("c0", histogram.Categories[0]);
        Assert.Equal(WindowHistograms.Other, histogram.Categories[^1]);
        Assert.Equal(1, histogram.ReferenceShares.Sum(), 9);
        Assert.Equal(1, histogram.CurrentShares.Sum(), 9);
        Assert.True(histogram.CurrentShares[0] > 0.8 && histogram.ReferenceShares[0] < 0.1);
    }
}
