namespace Platform.Ml.Statistics;

/// <summary>
/// The Jensen–Shannon distance between two discrete distributions, sqrt(JSD) with logarithms in base 2, so it lies in
/// [0, 1] (0 = identical, 1 = disjoint supports); the same as <c>scipy.spatial.distance.jensenshannon(p, q, base=2)</c>.
/// It is a distance (the square root of the divergence), not the divergence itself. Empty bins need no epsilon:
/// 0 · log 0 is taken as 0, and the mixture m = (p + q)/2 is positive wherever p or q is.
/// </summary>
public static class JensenShannon
{
    /// <summary>The distance between two count (or weight) vectors aligned by index; each is normalised to sum to 1.</summary>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException("Vectors must have the same length.");
        double pTotal = 0, qTotal = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] < 0 || q[i] < 0) throw new ArgumentException("Weights must be non-negative.");
            pTotal += p[i];
            qTotal += q[i];
        }

        if (pTotal <= 0 || qTotal <= 0) throw new ArgumentException("Both vectors need a positive total.");

        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pTotal, qi = q[i] / qTotal;
            var m = (pi + qi) / 2.0;
            divergence += RelativeEntropy(pi, m) + RelativeEntropy(qi, m);
        }

        divergence /= 2.0;
        divergence /= Math.Log(2.0);
        // Rounding can leave a tiny negative divergence for identical inputs.
        return Math.Sqrt(Math.Max(divergence, 0.0));
    }

    /// <summary>The distance between the binned distributions of two numeric samples, on the reference's quantile bins (NaN skipped).</summary>
    public static double Numeric(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, int bins = PopulationStabilityIndex.DefaultBins)
    {
        var sorted = PopulationStabilityIndex.SortedWithoutNaN(reference);
        var quantileBins = QuantileBins.FromSortedReference(sorted, bins);
        return Distance(quantileBins.Counts(sorted), quantileBins.Counts(current));
    }

    /// <summary>The distance between the category frequencies of two samples (nulls skipped).</summary>
    public static double Categorical(IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        var (_, r, c) = CategoryCounts.Of(reference, current);
        return Distance(r, c);
    }

    /// <summary>x log(x / y) with 0 log 0 = 0 (SciPy's rel_entr).</summary>
    private static double RelativeEntropy(double x, double y) => x == 0 ? 0.0 : x * Math.Log(x / y);
}
