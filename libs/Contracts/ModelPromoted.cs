namespace Platform.Contracts;

/// <summary>
/// The production alias of a model moved to <paramref name="Version"/>. Every Inference replica loads it;
/// Monitoring takes the training data at <paramref name="DatasetContentUri"/> as the new reference, and
/// <paramref name="HoldoutMetrics"/> (all holdout metrics: rmse, accuracy, ...) as the baseline of live quality.
/// </summary>
/// <param name="Target">The target column of the training data (null from Registries that predate it).</param>
/// <param name="TrainingRowFrom">The rows [from, to) of the dataset version the model trained on, when it trained on part of
/// it (a drift retrain trains on the rows since the drift); null: all rows, or not known (an operator's promotion).</param>
public sealed record ModelPromoted(
    string ModelName,
    int Version,
    int? PreviousVersion,
    Guid RunId,
    string Task,
    IReadOnlyList<ColumnInfo> Inputs,
    Uri ArtifactUri,
    string ArtifactSha256,
    string DatasetName,
    int DatasetVersion,
    Uri DatasetContentUri,
    string PrimaryMetric,
    double HoldoutMetric,
    string Reason,
    DateTimeOffset PromotedAt,
    IReadOnlyDictionary<string, double>? HoldoutMetrics = null,
    string? Target = null,
    int? TrainingRowFrom = null,
    int? TrainingRowTo = null);
