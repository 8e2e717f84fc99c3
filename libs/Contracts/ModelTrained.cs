namespace Platform.Contracts;

/// <summary>
/// A training run finished and its artifact (an ONNX model with preprocessing inside) can be downloaded.
/// <paramref name="ChampionHoldoutMetric"/> is the current production version scored on the same holdout,
/// so the Registry's gate compares like with like.
/// </summary>
/// <param name="Gate">Champion and challenger scored row by row on the newest rows, which the challenger did not train on; null when there were too few rows or no champion.</param>
/// <param name="TrainingRowFrom">First row (0-based, inclusive) of the dataset version the run selected to train on (its own holdout included); null: from the first.</param>
/// <param name="TrainingRowTo">End row (exclusive) of that selection; null: to the last.</param>
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
    DateTimeOffset TrainedAt,
    GateHoldout? Gate = null,
    int? TrainingRowFrom = null,
    int? TrainingRowTo = null);

/// <summary>
/// The gate's holdout: the newest rows of the data the run selected, held out of training, with the per-row loss of
/// the challenger and of the champion on each (squared error for regression, 0/1 error for classifiers), so the
/// Registry can judge the difference against the holdout's size.
/// </summary>
/// <param name="Metric">"rmse" or "error_rate": what the losses add up to.</param>
/// <param name="RowFrom">First row (0-based, inclusive) of the holdout in the dataset version.</param>
/// <param name="RowTo">End row (exclusive).</param>
public sealed record GateHoldout(
    string Metric,
    string DatasetName,
    int DatasetVersion,
    int RowFrom,
    int RowTo,
    string Provenance,
    int ChampionVersion,
    IReadOnlyList<double> ChallengerLosses,
    IReadOnlyList<double> ChampionLosses);
