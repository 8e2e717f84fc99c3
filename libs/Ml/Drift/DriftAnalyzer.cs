using Platform.Ml.Data;
using Platform.Ml.Statistics;

namespace Platform.Ml.Drift;

/// <summary>
/// Compares a window of current data with a reference table, column by column, and decides whether the dataset drifted.
/// </summary>
/// <remarks>
/// <para>Per column (missing values dropped on both sides):</para>
/// <list type="bullet">
/// <item>numeric and boolean: two-sided two-sample Kolmogorov–Smirnov (p-value as SciPy's <c>ks_2samp</c>), with PSI,
/// Jensen–Shannon over the reference's quantile bins, W1 and W1 / σ_reference as effect sizes;</item>
/// <item>categorical: chi-square test of homogeneity, with PSI and Jensen–Shannon over the categories as effect sizes.</item>
/// </list>
/// <para>Decision rule. The p-values of one window are adjusted with Benjamini–Hochberg and compared with
/// <see cref="DriftOptions.FamilyAlpha"/>. BH rather than Bonferroni: Bonferroni's α/m costs power as the number of features
/// grows, while BH controls the expected share of false discoveries among the flagged columns, which is what an alert on
/// "these columns drifted" promises; when nothing drifted, BH still keeps the chance of any flag at or below α.
/// A significant column counts as drifted only if its effect also reaches a floor (W1/σ ≥ <see cref="DriftOptions.MinNormalisedWasserstein"/>,
/// or PSI ≥ <see cref="DriftOptions.MinCategoricalPsi"/> for categorical columns): with large windows every p-value is tiny,
/// and a statistically certain but negligible change is not worth an alert.</para>
/// <para>Severity: <see cref="DriftSeverity.None"/> unless drifted; <see cref="DriftSeverity.Critical"/> when drifted with an
/// adjusted p-value below <see cref="DriftOptions.CriticalPValue"/> (default 0.001); otherwise <see cref="DriftSeverity.Warning"/>
/// (adjusted p below <see cref="DriftOptions.FamilyAlpha"/>, default 0.05).</para>
/// <para>The dataset drifts when the share of drifted columns reaches <see cref="DriftOptions.DriftedShareThreshold"/> (default 0.3).</para>
/// </remarks>
public static class DriftAnalyzer
{
    public static DriftReport Analyze(Table reference, Table current, DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var skipped = new List<SkippedColumn>();
        var measured = new List<Measured>();
        foreach (var name in ColumnsToAnalyse(reference, current, options, skipped))
        {
            var (referenceColumn, currentColumn) = (reference[name], current[name]);
            if (IsNumeric(referenceColumn.Kind) != IsNumeric(currentColumn.Kind))
            {
                skipped.Add(new SkippedColumn(name, $"kind differs: {referenceColumn.Kind.ToWireName()} in the reference, {currentColumn.Kind.ToWireName()} now"));
                continue;
            }

            var result = IsNumeric(referenceColumn.Kind)
                ? MeasureNumeric(referenceColumn, currentColumn, options)
                : MeasureCategorical(referenceColumn, currentColumn);
            if (result is null) skipped.Add(new SkippedColumn(name, "no non-missing values in the reference or the current window"));
            else measured.Add(result);
        }

        var adjusted = BenjaminiHochberg(measured.Select(m => m.PValue).ToArray());
        var columns = new List<ColumnDrift>(measured.Count);
        for (var i = 0; i < measured.Count; i++)
        {
            var m = measured[i];
            var significant = adjusted[i] <= options.FamilyAlpha;
            var largeEnough = m.Kind == ColumnKind.Categorical
                ? m.Psi >= options.MinCategoricalPsi
                : m.NormalisedWasserstein >= options.MinNormalisedWasserstein;
            var drifted = significant && largeEnough;
            var severity = !drifted ? DriftSeverity.None
                : adjusted[i] < options.CriticalPValue ? DriftSeverity.Critical
                : DriftSeverity.Warning;
            columns.Add(new ColumnDrift(m.Column, m.Kind, m.Test, m.Statistic, m.PValue, m.Psi, m.Wasserstein, severity, drifted,
                adjusted[i], m.NormalisedWasserstein, m.JensenShannon, m.ReferenceCount, m.CurrentCount));
        }

        var driftedCount = columns.Count(c => c.Drifted);
        var share = columns.Count == 0 ? 0.0 : (double)driftedCount / columns.Count;
        return new DriftReport(columns, share, driftedCount > 0 && share >= options.DriftedShareThreshold, driftedCount, skipped);
    }

    /// <summary>
    /// Benjamini–Hochberg adjusted p-values: q_(i) = min over k ≥ i of m·p_(k)/k, capped at 1 (p sorted ascending).
    /// A column is significant at level α when q ≤ α, which is exactly BH's step-up rule.
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var index = order[rank - 1];
            running = Math.Min(running, pValues[index] * m / rank);
            adjusted[index] = running;
        }

        return adjusted;
    }

    private static IEnumerable<string> ColumnsToAnalyse(Table reference, Table current, DriftOptions options, List<SkippedColumn> skipped)
    {
        var excluded = new HashSet<string>(options.ExcludedColumns, StringComparer.Ordinal);
        if (options.Columns is null)
        {
            // Reference order; columns in only one table are a schema change, not distribution drift.
            return reference.Columns.Select(c => c.Name).Where(n => current.Contains(n) && !excluded.Contains(n)).ToArray();
        }

        var names = new List<string>();
        foreach (var name in options.Columns.Distinct(StringComparer.Ordinal))
        {
            if (excluded.Contains(name)) continue;
            if (reference.Contains(name) && current.Contains(name)) names.Add(name);
            else skipped.Add(new SkippedColumn(name, reference.Contains(name) ? "missing from the current window" : "missing from the reference"));
        }

        return names;
    }

    private static bool IsNumeric(ColumnKind kind) => kind is ColumnKind.Numeric or ColumnKind.Boolean;

    private static Measured? MeasureNumeric(TableColumn reference, TableColumn current, DriftOptions options)
    {
        // Sort each side once; KS, W1, the quantile bins and σ all work on the sorted copies.
        var sortedReference = PopulationStabilityIndex.SortedWithoutNaN(reference.Numbers!);
        var sortedCurrent = PopulationStabilityIndex.SortedWithoutNaN(current.Numbers!);
        if (sortedReference.Length == 0 || sortedCurrent.Length == 0) return null;

        var ks = KolmogorovSmirnov.TestSorted(sortedReference, sortedCurrent);
        var w1 = Wasserstein.DistanceSorted(sortedReference, sortedCurrent);
        var normalised = Wasserstein.Normalise(w1, Wasserstein.StandardDeviation(sortedReference));
        var bins = QuantileBins.FromSortedReference(sortedReference, options.Bins);
        var referenceCounts = bins.Counts(sortedReference);
        var currentCounts = bins.Counts(sortedCurrent);
        return new Measured(reference.Name, reference.Kind, "ks", ks.Statistic, ks.PValue,
            PopulationStabilityIndex.FromCounts(referenceCounts, currentCounts), w1, normalised,
            Statistics.JensenShannon.Distance(referenceCounts, currentCounts), sortedReference.Length, sortedCurrent.Length);
    }

    private static Measured? MeasureCategorical(TableColumn reference, TableColumn current)
    {
        var (categories, referenceCounts, currentCounts) = CategoryCounts.Of(reference.Texts!, current.Texts!);
        if (categories.Count == 0 || referenceCounts.Sum() == 0 || currentCounts.Sum() == 0) return null;

        var chi2 = ChiSquareHomogeneity.Test(referenceCounts, currentCounts);
        return new Measured(reference.Name, reference.Kind, "chi2", chi2.Statistic, chi2.PValue,
            PopulationStabilityIndex.FromCounts(referenceCounts, currentCounts), null, null,
            Statistics.JensenShannon.Distance(referenceCounts, currentCounts),
            (int)referenceCounts.Sum(), (int)currentCounts.Sum());
    }

    private sealed record Measured(
        string Column, ColumnKind Kind, string Test, double Statistic, double PValue, double Psi,
        double? Wasserstein, double? NormalisedWasserstein, double JensenShannon, int ReferenceCount, int CurrentCount);
}
