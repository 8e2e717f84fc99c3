namespace Platform.Contracts;

/// <summary>
/// A production model drifted: its live inputs no longer look like its training data (<paramref name="Kind"/> "data"),
/// or its live quality, measured on feedback, fell below its holdout quality by more than the margin ("concept").
/// For concept drift <paramref name="Features"/> is empty, <paramref name="DriftedShare"/> is the relative degradation of
/// live quality against holdout quality (RMSE or accuracy) and <paramref name="Threshold"/> the margin it exceeded.
/// </summary>
public sealed record DriftDetected(
    Guid ReportId,
    string ModelName,
    int Version,
    double DriftedShare,
    double Threshold,
    IReadOnlyList<FeatureDrift> Features,
    int WindowRows,
    DateTimeOffset WindowFrom,
    DateTimeOffset WindowTo,
    DateTimeOffset DetectedAt,
    string Kind = DriftKinds.Data);

public static class DriftKinds
{
    public const string Data = "data";
    public const string Concept = "concept";
}

/// <param name="Test">"ks" for numeric features, "chi-square" for categorical ones.</param>
public sealed record FeatureDrift(
    string Feature,
    string Test,
    double Statistic,
    double PValue,
    bool Drifted);
