using Platform.Ml.Data;
using Platform.Ml.Statistics;
using Platform.Monitoring.Model;

namespace Platform.Monitoring;

/// <summary>
/// The reference-vs-window histograms a data window keeps for the console: bounded per feature (the PSI bins, at most
/// <see cref="MonitoringOptions.HistogramCategories"/> categories), so a report stays small.
/// </summary>
public static class WindowHistograms
{
    public const string Other = "(other)";

    public static List<FeatureHistogram> Of(Table reference, Table current, int bins, int maxCategories)
    {
        var histograms = new List<FeatureHistogram>();
        foreach (var column in reference.Columns)
        {
            if (!current.Contains(column.Name)) continue;
            var histogram = column.Numbers is not null
                ? Numeric(column, current[column.Name], bins)
                : Categorical(column, current[column.Name], maxCategories);
            if (histogram is not null) histograms.Add(histogram);
        }

        return histograms;
    }

    private static FeatureHistogram? Numeric(TableColumn reference, TableColumn current, int bins)
    {
        var sorted = reference.Numbers!.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return null;
        var quantiles = QuantileBins.FromSortedReference(sorted, bins);
        return new FeatureHistogram(reference.Name, reference.Kind.ToString().ToLowerInvariant(), quantiles.Edges.ToArray(), null,
            Shares(quantiles.Counts(sorted)), Shares(quantiles.Counts(current.Numbers!)));
    }

    private static FeatureHistogram? Categorical(TableColumn reference, TableColumn current, int maxCategories)
    {
        var referenceCounts = Count(reference.Texts!);
        var currentCounts = Count(current.Texts!);
        var all = referenceCounts.Keys.Union(currentCounts.Keys)
            .OrderByDescending(c => referenceCounts.GetValueOrDefault(c) + currentCounts.GetValueOrDefault(c)).ThenBy(c => c, StringComparer.Ordinal)
            .ToList();
        if (all.Count == 0) return null;
        // Beyond the limit the rarer categories share one "(other)" bar, so the shares still sum to 1.
        var categories = all.Count <= maxCategories ? all : [.. all.Take(maxCategories - 1), Other];
        double[] Bars(Dictionary<string, int> counts) => Shares(categories.Select(c => c == Other && all.Count > maxCategories
            ? all.Skip(maxCategories - 1).Sum(o => (double)counts.GetValueOrDefault(o))
            : counts.GetValueOrDefault(c)).ToArray());
        return new FeatureHistogram(reference.Name, "categorical", null, categories.ToArray(), Bars(referenceCounts), Bars(currentCounts));
    }

    private static Dictionary<string, int> Count(string?[] values) =>
        values.Where(v => v is not null).GroupBy(v => v!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static double[] Shares(double[] counts)
    {
        var total = counts.Sum();
        return counts.Select(c => total > 0 ? c / total : 0).ToArray();
    }
}
