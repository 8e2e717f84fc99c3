using Platform.Contracts;
using Platform.Ml.Data;

namespace Platform.Ml.Models;

/// <summary>The cross-validated score of one trainer with one hyper-parameter setting.</summary>
/// <param name="Mean">Mean of the primary metric over the folds.</param>
/// <param name="StdDev">Sample standard deviation over the folds.</param>
/// <param name="Seconds">
/// Wall-clock seconds its cross-validation took (what it cost the search); the round counts of one boosted fit share
/// that fit, and each records its whole cost.
/// </param>
/// <param name="SelectionMean">Mean over the folds of the metric the search ranks by (<see cref="TrainingResult.SelectionMetric"/>).</param>
/// <param name="FoldScores">One per fold and repeat (<see cref="TrainingResult.Folds"/> × <see cref="TrainingResult.Repeats"/>), repeat by repeat.</param>
/// <param name="SelectionStdError">
/// Standard error of <paramref name="SelectionMean"/> (fold standard deviation / √folds, the folds of one repeat: repeats
/// reuse the rows): the one-standard-error rule's band.
/// </param>
public sealed record CandidateResult(
    string Trainer,
    IReadOnlyDictionary<string, string> Parameters,
    double Mean,
    double StdDev,
    IReadOnlyList<double> FoldScores,
    double Seconds = 0,
    double SelectionMean = double.NaN,
    double SelectionStdError = double.NaN);

// FeatureWeight, ConfusionMatrix and HoldoutPrediction live in Platform.Contracts (TrainingModels.cs): Training's
// run read model carries them as they are, so they are declared once where every reader can reach them.

/// <summary>Everything a training run produced, and what is needed to reproduce it.</summary>
public sealed class TrainingResult
{
    public required ModelSignature Signature { get; init; }
    /// <summary>The trainers the search tried (those named in the options, or the default search for the data).</summary>
    public IReadOnlyList<string> SearchedTrainers { get; init; } = [];
    /// <summary>The selected trainer's name.</summary>
    public required string Trainer { get; init; }
    /// <summary>The selected hyper-parameters.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    /// <summary>"r2" (regression), "auc" (binary) or "macro_accuracy" (multiclass).</summary>
    public required string PrimaryMetric { get; init; }
    public required bool HigherIsBetter { get; init; }
    /// <summary>What the search ranked candidates by: "r2" (regression) or "log_loss" (classifiers, lower is better).</summary>
    public string SelectionMetric { get; init; } = "";
    /// <summary>Metrics of the exported ONNX model on the untouched holdout.</summary>
    public required IReadOnlyDictionary<string, double> HoldoutMetrics { get; init; }
    /// <summary>For classifiers, the holdout confusion matrix; null for regression.</summary>
    public required ConfusionMatrix? ConfusionMatrix { get; init; }
    /// <summary>For regression, evenly spaced holdout rows (at most <see cref="ModelEvaluator.MaxHoldoutPredictions"/>); empty for classifiers.</summary>
    public IReadOnlyList<HoldoutPrediction> HoldoutPredictions { get; init; } = [];
    /// <summary>Every candidate that finished its cross-validation, best (by <see cref="SelectionMetric"/>) first.</summary>
    public required IReadOnlyList<CandidateResult> CrossValidation { get; init; }
    /// <summary>Candidates of the search that were not evaluated because the time budget ran out (0 when it did not).</summary>
    public int SkippedCandidates { get; init; }
    /// <summary>The cross-validation folds used (per repeat); stratified by class for classifiers.</summary>
    public int Folds { get; init; }
    /// <summary>How many times the k-fold cross-validation was repeated with new shuffles (1: plain k-fold).</summary>
    public int Repeats { get; init; } = 1;
    /// <summary>"coefficient" (linear models) or "split_share" (trees): what <see cref="FeatureWeights"/> holds.</summary>
    public string FeatureWeightKind { get; init; } = "";
    /// <summary>Coefficients or split shares of the selected model, largest magnitude first.</summary>
    public IReadOnlyList<FeatureWeight> FeatureWeights { get; init; } = [];
    public required byte[] OnnxModel { get; init; }
    /// <summary>The same pipeline in ML.NET's own zip format (<c>MLContext.Model.Load</c>).</summary>
    public required byte[] MlNetModel { get; init; }
    /// <summary>The holdout rows, features and target, for later comparisons (champion/challenger, drift).</summary>
    public required Table Holdout { get; init; }
    public required int TrainRows { get; init; }
    public required int HoldoutRows { get; init; }
    public required int Seed { get; init; }
    public required TimeSpan Duration { get; init; }
}
