namespace Platform.Ml.Statistics;

/// <summary>
/// The population stability index PSI = Σ (c_i − r_i) ln(c_i / r_i) over bins (numeric) or categories, where r_i and c_i are
/// the reference's and the current sample's proportions.
/// </summary>
/// <remarks>
/// An empty bin would make the logarithm infinite, so an empty bin's proportion is replaced by <see cref="EmptyBinProportion"/>
/// (1e-4, as Evidently does); proportions are not renormalised afterwards. Rules of thumb: &lt; 0.1 stable, 0.1–0.25
/// moderate shift, &gt; 0.25 major shift.
/// </remarks>
public static class PopulationStabilityIndex
{
    public const int DefaultBins = 10;

    /// <summary>The proportion used in place of an empty bin's zero.</summary>
    public const double EmptyBinProportion = 1e-4;

    /// <summary>PSI of a numeric sample over <paramref name="bins"/> quantile bins of the reference (NaN skipped).</summary>
    public static double Numeric(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, int bins = DefaultBins)
    {
        var sorted = SortedWithoutNaN(reference);
        var quantileBins = QuantileBins.FromSortedReference(sorted, bins);
        return FromCounts(quantileBins.Counts(sorted), quantileBins.Counts(current));
    }

    /// <summary>PSI over the categories seen in either sample (nulls skipped).</summary>
    public static double Categorical(IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        var (_, r, c) = CategoryCounts.Of(reference, current);
        return FromCounts(r, c);
    }

    /// <summary>PSI from counts per bin, aligned by index.</summary>
    public static double FromCounts(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length) throw new ArgumentException("Count vectors must have the same length.");
        double referenceTotal = Sum(referenceCounts), currentTotal = Sum(currentCounts);
        if (referenceTotal <= 0 || currentTotal <= 0) throw new ArgumentException("Both samples need at least one value.");

        var psi = 0.0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            var r = referenceCounts[i] == 0 ? EmptyBinProportion : referenceCounts[i] / referenceTotal;
            var c = currentCounts[i] == 0 ? EmptyBinProportion : currentCounts[i] / currentTotal;
            psi += (c - r) * Math.Log(c / r);
        }

        return psi;
    }

    internal static double[] SortedWithoutNaN(ReadOnlySpan<double> values)
    {
        var count = 0;
        foreach (var v in values) if (!double.IsNaN(v)) count++;
        var sorted = new double[count];
        var i = 0;
        foreach (var v in values) if (!double.IsNaN(v)) sorted[i++] = v;
        Array.Sort(sorted);
        return sorted;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum;
    }
}
