using System.ComponentModel.DataAnnotations;

namespace Platform.Ml.Drift;

/// <summary>Settings of <see cref="DriftAnalyzer"/>; bindable from configuration (section "Drift" in the Monitoring service).</summary>
public sealed class DriftOptions
{
    /// <summary>Columns to analyse; null analyses every column present in both tables.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Columns never analysed (targets, identifiers, timestamps).</summary>
    public IReadOnlyList<string> ExcludedColumns { get; init; } = [];

    /// <summary>
    /// The level at which the Benjamini–Hochberg procedure controls the false discovery rate across the columns of one
    /// window (and, when no column really drifted, the chance of any false alarm).
    /// </summary>
    [Range(1e-12, 0.5)]
    public double FamilyAlpha { get; init; } = 0.05;

    /// <summary>A drifted column whose BH-adjusted p-value is below this is <see cref="DriftSeverity.Critical"/>.</summary>
    [Range(1e-300, 0.5)]
    public double CriticalPValue { get; init; } = 0.001;

    /// <summary>
    /// The effect-size floor for numeric and boolean columns: W1 / (reference standard deviation). With large windows every
    /// p-value is tiny, so a column counts as drifted only if its distribution also moved by at least this many standard deviations.
    /// </summary>
    [Range(0.0, 100.0)]
    public double MinNormalisedWasserstein { get; init; } = 0.1;

    /// <summary>The effect-size floor for categorical columns, on the PSI scale (0.1 = "moderate shift" by the usual rule of thumb).</summary>
    [Range(0.0, 100.0)]
    public double MinCategoricalPsi { get; init; } = 0.1;

    /// <summary>Quantile bins of the reference used for the numeric PSI and Jensen–Shannon scores.</summary>
    [Range(2, 1000)]
    public int Bins { get; init; } = 10;

    /// <summary>
    /// The dataset drifts when at least this share of the analysed columns drift. 0.3 rather than Evidently's 0.5: our models
    /// have few features, and one drifted feature out of three already matters.
    /// </summary>
    [Range(0.0, 1.0)]
    public double DriftedShareThreshold { get; init; } = 0.3;

    internal void Validate()
    {
        var context = new ValidationContext(this);
        Validator.ValidateObject(this, context, validateAllProperties: true);
        if (CriticalPValue > FamilyAlpha)
            throw new ValidationException($"{nameof(CriticalPValue)} ({CriticalPValue}) must not exceed {nameof(FamilyAlpha)} ({FamilyAlpha}).");
    }
}
