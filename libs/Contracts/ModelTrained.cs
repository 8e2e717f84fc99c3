namespace Platform.Contracts;

/// <summary>
/// A training run finished and its artifact (an ONNX model with preprocessing inside) can be downloaded.
/// <paramref name="ChampionHoldoutMetric"/> is the current production version scored on the same holdout,
/// so the Registry's gate compares like with like.
/// </summary>
public sealed record ModelTrained(
    Guid RunId,
    string ModelName,
    string DatasetName,
    int DatasetVersion,
    string DatasetSha256,
    Uri DatasetContentUri,
    string Trigger,
    string Task,
    string Target,
    string Trainer,
    IReadOnlyList<ColumnInfo> Inputs,
    IReadOnlyList<string>? ClassLabels,
    string PrimaryMetric,
    bool HigherIsBetter,
    IReadOnlyDictionary<string, double> HoldoutMetrics,
    int? ChampionVersion,
    double? ChampionHoldoutMetric,
    Uri ArtifactUri,
    string ArtifactSha256,
    long ArtifactSizeBytes,
    DateTimeOffset TrainedAt);
