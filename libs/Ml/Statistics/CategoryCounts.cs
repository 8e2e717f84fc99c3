namespace Platform.Ml.Statistics;

/// <summary>Counts of two categorical samples over the union of their categories (ordinal order; nulls skipped).</summary>
internal static class CategoryCounts
{
    public static (IReadOnlyList<string> Categories, double[] Reference, double[] Current) Of(
        IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var referenceCounts = Count(reference);
        var currentCounts = Count(current);
        var categories = referenceCounts.Keys.Union(currentCounts.Keys).Order(StringComparer.Ordinal).ToArray();
        var r = new double[categories.Length];
        var c = new double[categories.Length];
        for (var k = 0; k < categories.Length; k++)
        {
            r[k] = referenceCounts.GetValueOrDefault(categories[k]);
            c[k] = currentCounts.GetValueOrDefault(categories[k]);
        }

        return (categories, r, c);
    }

    private static Dictionary<string, int> Count(IEnumerable<string?> values)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (value is null) continue;
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        return counts;
    }
}
