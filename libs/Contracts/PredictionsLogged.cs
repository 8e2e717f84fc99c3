namespace Platform.Contracts;

/// <summary>
/// A batch of predictions served by one Inference replica for one model version. Inputs are numbers in the
/// order of <paramref name="NumericFeatures"/> and strings in the order of <paramref name="CategoricalFeatures"/>.
/// <paramref name="Dropped"/> counts predictions that were sampled away under pressure since the previous batch.
/// </summary>
public sealed record PredictionsLogged(
    Guid BatchId,
    string ModelName,
    int Version,
    string Replica,
    IReadOnlyList<string> NumericFeatures,
    IReadOnlyList<string> CategoricalFeatures,
    IReadOnlyList<LoggedPrediction> Predictions,
    long Dropped,
    DateTimeOffset From,
    DateTimeOffset To);

/// <param name="Output">The regression value, or the predicted class label for classifiers.</param>
/// <param name="Confidence">The top-class probability for classifiers; null for regression.</param>
public sealed record LoggedPrediction(
    Guid PredictionId,
    DateTimeOffset At,
    double[] Numeric,
    string?[] Categorical,
    string Output,
    double? Confidence);
