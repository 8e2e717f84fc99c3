namespace Platform.Ml.Statistics;

/// <summary>Which difference between the two empirical CDFs a Kolmogorov–Smirnov test looks for (SciPy's <c>alternative</c>).</summary>
public enum KsAlternative
{
    /// <summary>D = max |F1 − F2|.</summary>
    TwoSided,

    /// <summary>D⁻ = max (F2 − F1): the first sample's CDF lies below the second's somewhere (its values tend to be larger).</summary>
    Less,

    /// <summary>D⁺ = max (F1 − F2): the first sample's CDF lies above the second's somewhere (its values tend to be smaller).</summary>
    Greater,
}

/// <summary>A two-sample Kolmogorov–Smirnov result.</summary>
/// <param name="Statistic">D (or D⁺/D⁻ for a one-sided test).</param>
/// <param name="PValue">The p-value, as <c>scipy.stats.ks_2samp(method="auto")</c> computes it.</param>
/// <param name="Method"><c>"exact"</c> or <c>"asymp"</c>: which distribution produced the p-value.</param>
public sealed record KsResult(double Statistic, double PValue, string Method);
