using System.Text.Json.Serialization;

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

/// <param name="Numeric">The numeric inputs, always finite: a missing one is 0 here and listed in <paramref name="MissingNumeric"/>.</param>
/// <param name="Categorical">The categorical inputs; null where the input was missing.</param>
/// <param name="Output">The regression value, or the predicted class label for classifiers.</param>
/// <param name="Confidence">The top-class probability for classifiers; null for regression.</param>
/// <param name="MissingNumeric">
/// The positions in <paramref name="Numeric"/> whose input was missing (null in the request, replaced by the model's
/// imputation): a mask, because JSON has no NaN and a NaN would make the whole batch unserialisable. Null (the
/// default, and what producers before this field send) means none was missing.
/// </param>
[JsonConverter(typeof(LoggedPredictionJson))]
public sealed record LoggedPrediction(
    Guid PredictionId,
    DateTimeOffset At,
    double[] Numeric,
    string?[] Categorical,
    string Output,
    double? Confidence,
    int[]? MissingNumeric = null)
{
    /// <summary>The numeric inputs with missing ones as NaN (how the ML code spells missing).</summary>
    public double[] NumericWithMissing()
    {
        if (MissingNumeric is not { Length: > 0 }) return Numeric;
        var values = (double[])Numeric.Clone();
        foreach (var index in MissingNumeric)
            if ((uint)index < (uint)values.Length) values[index] = double.NaN;
        return values;
    }
}
