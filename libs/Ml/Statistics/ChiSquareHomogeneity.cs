namespace Platform.Ml.Statistics;

/// <summary>A chi-square test result.</summary>
/// <param name="Statistic">Pearson's X².</param>
/// <param name="PValue">P(χ²_dof ≥ X²), the regularised upper incomplete gamma Q(dof/2, X²/2).</param>
/// <param name="DegreesOfFreedom">(rows − 1)(categories − 1) = categories − 1 for two samples.</param>
public sealed record ChiSquareResult(double Statistic, double PValue, int DegreesOfFreedom);

/// <summary>
/// Pearson's chi-square test of homogeneity for two categorical samples: a 2×k contingency table over the categories seen
/// in either sample, as <c>scipy.stats.chi2_contingency(table, correction=False)</c> computes it.
/// </summary>
/// <remarks>
/// Empty cells need no floor: every column is a category seen in at least one sample, so every expected count
/// (row total × column total / n) is positive, and an observed zero simply contributes its expected count. With a single
/// category there are no degrees of freedom and, as in SciPy, the statistic is 0 and the p-value 1. Missing values (null)
/// are not a category: they are skipped. Small expected counts (&lt; 5) make the χ² approximation rough; no correction is
/// applied, matching SciPy with <c>correction=False</c>.
/// </remarks>
public static class ChiSquareHomogeneity
{
    public static ChiSquareResult Test(IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        var (categories, referenceCounts, currentCounts) = CategoryCounts.Of(reference, current);
        return Test(referenceCounts, currentCounts, categories.Count);
    }

    /// <summary>The test on counts per category, aligned by index (categories with zero in both are ignored).</summary>
    public static ChiSquareResult Test(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts) =>
        Test(referenceCounts.ToArray(), currentCounts.ToArray(), referenceCounts.Length);

    private static ChiSquareResult Test(double[] referenceCounts, double[] currentCounts, int length)
    {
        if (currentCounts.Length != length || referenceCounts.Length != length)
            throw new ArgumentException("Count vectors must have the same length.");

        double referenceTotal = 0, currentTotal = 0;
        var columns = 0;
        for (var k = 0; k < length; k++)
        {
            if (referenceCounts[k] < 0 || currentCounts[k] < 0) throw new ArgumentException("Counts must be non-negative.");
            referenceTotal += referenceCounts[k];
            currentTotal += currentCounts[k];
            if (referenceCounts[k] + currentCounts[k] > 0) columns++;
        }

        if (referenceTotal == 0 || currentTotal == 0) throw new ArgumentException("Both samples need at least one non-missing value.");

        var dof = columns - 1;
        if (dof == 0) return new ChiSquareResult(0.0, 1.0, 0);

        var total = referenceTotal + currentTotal;
        var statistic = 0.0;
        for (var k = 0; k < length; k++)
        {
            var columnTotal = referenceCounts[k] + currentCounts[k];
            if (columnTotal == 0) continue;
            statistic += Term(referenceCounts[k], referenceTotal * columnTotal / total);
            statistic += Term(currentCounts[k], currentTotal * columnTotal / total);
        }

        return new ChiSquareResult(statistic, UpperTail(statistic, dof), dof);
    }

    /// <summary>P(χ²_dof ≥ x) = Q(dof/2, x/2).</summary>
    internal static double UpperTail(double x, int dof) =>
        x <= 0 ? 1.0 : MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(dof / 2.0, x / 2.0);

    private static double Term(double observed, double expected)
    {
        var diff = observed - expected;
        return diff * diff / expected;
    }
}
