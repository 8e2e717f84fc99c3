using System.Text.Json.Serialization;
using Platform.Ml.Data;

namespace Platform.Ml.Drift;

/// <summary>How strongly a column drifted. In JSON, the wire name ("none", "warning", "critical").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftSeverity>))]
public enum DriftSeverity
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>One column's drift between the reference and the current window.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Kind">The column's kind (in the reference).</param>
/// <param name="Test">"ks" (two-sided two-sample Kolmogorov–Smirnov) for numeric and boolean columns, "chi2" (homogeneity) for categorical ones.</param>
/// <param name="Statistic">The test statistic: KS D, or Pearson's X².</param>
/// <param name="PValue">The test's raw p-value.</param>
/// <param name="Psi">Population stability index (reference quantile bins, or categories).</param>
/// <param name="Wasserstein">W1 in the column's units (numeric and boolean columns; null for categorical).</param>
/// <param name="Severity">See <see cref="DriftAnalyzer"/>: none unless drifted; critical when the adjusted p-value is below <see cref="DriftOptions.CriticalPValue"/>.</param>
/// <param name="Drifted">Significant after Benjamini–Hochberg across the window's columns and above the effect-size floor.</param>
/// <param name="AdjustedPValue">The Benjamini–Hochberg adjusted p-value (q-value) across the window's columns.</param>
/// <param name="NormalisedWasserstein">W1 divided by the reference's standard deviation (null for categorical).</param>
/// <param name="JensenShannon">Jensen–Shannon distance (base 2, in [0, 1]) over reference quantile bins, or categories.</param>
/// <param name="ReferenceCount">Non-missing reference values used.</param>
/// <param name="CurrentCount">Non-missing current values used.</param>
public sealed record ColumnDrift(
    string Column,
    ColumnKind Kind,
    string Test,
    double Statistic,
    double PValue,
    double Psi,
    double? Wasserstein,
    DriftSeverity Severity,
    bool Drifted,
    double AdjustedPValue,
    double? NormalisedWasserstein,
    double JensenShannon,
    int ReferenceCount,
    int CurrentCount);

/// <summary>The drift of one window against the reference.</summary>
/// <param name="Columns">Per-column results, in the reference's column order.</param>
/// <param name="DriftedShare">Drifted columns / analysed columns (0 when none were analysed).</param>
/// <param name="DatasetDrift">DriftedShare ≥ <see cref="DriftOptions.DriftedShareThreshold"/> (and at least one column drifted).</param>
/// <param name="DriftedCount">How many columns drifted.</param>
/// <param name="SkippedColumns">Requested or shared columns not analysed, with the reason (kind differs, no values).</param>
public sealed record DriftReport(
    IReadOnlyList<ColumnDrift> Columns,
    double DriftedShare,
    bool DatasetDrift,
    int DriftedCount,
    IReadOnlyList<SkippedColumn> SkippedColumns);

/// <summary>A column the analysis left out, and why.</summary>
public sealed record SkippedColumn(string Column, string Reason);
