namespace Platform.Ml.Models;

/// <summary>Predictions for a batch of rows.</summary>
/// <param name="Values">Regression: one value per row; null for classifiers.</param>
/// <param name="Labels">Classifiers: the predicted label per row (the most probable class; the first one on a tie).</param>
/// <param name="Probabilities">Classifiers: per row, one probability per class in <c>Signature.ClassLabels</c> order.</param>
public sealed record ScoreResult(double[]? Values, string[]? Labels, float[][]? Probabilities);
