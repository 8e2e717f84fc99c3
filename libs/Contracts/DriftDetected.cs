namespace Platform.Contracts;

/// <summary>Live inputs of a production model no longer look like its training data.</summary>
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
    DateTimeOffset DetectedAt);

/// <param name="Test">"ks" for numeric features, "chi-square" for categorical ones.</param>
public sealed record FeatureDrift(
    string Feature,
    string Test,
    double Statistic,
    double PValue,
    bool Drifted);
