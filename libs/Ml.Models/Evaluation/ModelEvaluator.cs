using Platform.Contracts;
using Platform.Ml.Data;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models;

/// <summary>
/// Metrics of predictions against a table's target. Names: regression "rmse", "mae", "r2" (1 − SS_res/SS_tot,
/// as scikit-learn); binary "accuracy", "precision", "recall", "f1" (of the positive class, the second label),
/// "auc" (ROC area with ties counted half), "log_loss"; multiclass "micro_accuracy" (share of rows right),
/// "macro_accuracy" (mean per-class recall, ML.NET's definition), "log_loss" and "f1_&lt;label&gt;" per class.
/// Log-loss uses the natural logarithm with probabilities clipped to [1e-15, 1 − 1e-15] (scikit-learn's rule).
/// </summary>
public static class ModelEvaluator
{
    private const double Epsilon = 1e-15;

    public static IReadOnlyDictionary<string, double> Evaluate(
        MlTask task, Table withTarget, string target, ScoreResult scores, IReadOnlyList<string>? classLabels)
    {
        var column = withTarget[target];
        if (task == MlTask.Regression)
        {
            var predicted = scores.Values ?? throw new ArgumentException("Regression scores need Values.", nameof(scores));
            return Regression(column.Numbers ?? throw new ArgumentException($"Target '{target}' is not numeric."), predicted);
        }

        if (classLabels is null) throw new ArgumentNullException(nameof(classLabels), "Classifiers need their class labels.");
        var actual = TargetLabels.Indexes(column, classLabels);
        var predictedIndexes = PredictedIndexes(scores, classLabels);
        var probabilities = scores.Probabilities ?? throw new ArgumentException("Classifier scores need Probabilities.", nameof(scores));
        return task == MlTask.Binary
            ? Binary(actual, predictedIndexes, probabilities)
            : Multiclass(actual, predictedIndexes, probabilities, classLabels);
    }

    /// <summary>Enough points for a readable residual plot while keeping a run record small.</summary>
    public const int MaxHoldoutPredictions = 500;

    /// <summary>
    /// (actual, predicted) pairs of a regression holdout, evenly spaced over its rows so the sample is deterministic
    /// and at most <paramref name="max"/> long; rows whose target is missing are left out.
    /// </summary>
    public static IReadOnlyList<HoldoutPrediction> Predictions(Table withTarget, string target, ScoreResult scores, int max = MaxHoldoutPredictions)
    {
        var actual = withTarget[target].Numbers ?? throw new ArgumentException($"Target '{target}' is not numeric.");
        var predicted = scores.Values ?? throw new ArgumentException("Regression scores need Values.", nameof(scores));
        var rows = Enumerable.Range(0, actual.Length).Where(i => !double.IsNaN(actual[i])).ToArray();
        var count = Math.Min(max, rows.Length);
        return Enumerable.Range(0, count)
            .Select(k => rows[(int)((long)k * rows.Length / count)])
            .Select(i => new HoldoutPrediction(actual[i], predicted[i]))
            .ToArray();
    }

    /// <summary>Counts of (actual, predicted) pairs; rows whose target is missing or unknown are left out.</summary>
    public static ConfusionMatrix Confusion(Table withTarget, string target, ScoreResult scores, IReadOnlyList<string> classLabels)
    {
        var actual = TargetLabels.Indexes(withTarget[target], classLabels);
        var predicted = PredictedIndexes(scores, classLabels);
        var counts = classLabels.Select(_ => new int[classLabels.Count]).ToArray();
        for (var row = 0; row < actual.Length; row++)
            if (actual[row] >= 0 && predicted[row] >= 0) counts[actual[row]][predicted[row]]++;
        return new ConfusionMatrix(classLabels, counts);
    }

    private static int[] PredictedIndexes(ScoreResult scores, IReadOnlyList<string> classLabels)
    {
        var labels = scores.Labels ?? throw new ArgumentException("Classifier scores need Labels.", nameof(scores));
        var lookup = classLabels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        return labels.Select(l => lookup.TryGetValue(l, out var i) ? i : -1).ToArray();
    }

    private static Dictionary<string, double> Regression(double[] actual, double[] predicted)
    {
        double sumSquared = 0, sumAbsolute = 0, sumActual = 0;
        var n = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(actual[i])) continue;
            var error = predicted[i] - actual[i];
            sumSquared += error * error;
            sumAbsolute += Math.Abs(error);
            sumActual += actual[i];
            n++;
        }

        var mean = sumActual / n;
        double total = 0;
        foreach (var value in actual)
            if (!double.IsNaN(value)) total += (value - mean) * (value - mean);

        return new Dictionary<string, double>
        {
            ["rmse"] = Math.Sqrt(sumSquared / n),
            ["mae"] = sumAbsolute / n,
            ["r2"] = total == 0 ? 0 : 1 - sumSquared / total,
        };
    }

    private static Dictionary<string, double> Binary(int[] actual, int[] predicted, float[][] probabilities)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        double logLoss = 0;
        var positiveScores = new List<double>();
        var negativeScores = new List<double>();
        for (var row = 0; row < actual.Length; row++)
        {
            if (actual[row] < 0) continue;
            var positive = actual[row] == 1;
            var predictedPositive = predicted[row] == 1;
            if (positive && predictedPositive) tp++;
            else if (positive) fn++;
            else if (predictedPositive) fp++;
            else tn++;

            double p = probabilities[row][1];
            logLoss -= Math.Log(Math.Clamp(positive ? p : 1 - p, Epsilon, 1 - Epsilon));
            (positive ? positiveScores : negativeScores).Add(p);
        }

        var n = tp + fp + tn + fn;
        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return new Dictionary<string, double>
        {
            ["accuracy"] = (double)(tp + tn) / n,
            ["precision"] = precision,
            ["recall"] = recall,
            ["f1"] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            ["auc"] = Auc(positiveScores, negativeScores),
            ["log_loss"] = logLoss / n,
        };
    }

    /// <summary>The probability that a random positive scores above a random negative (ties count half).</summary>
    internal static double Auc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0) return double.NaN;
        // Rank-sum (Mann–Whitney U) with average ranks for ties: O(n log n) and exact.
        var all = positives.Select(s => (Score: s, Positive: true)).Concat(negatives.Select(s => (Score: s, Positive: false)))
            .OrderBy(p => p.Score).ToArray();
        double positiveRankSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].Score == all[i].Score) j++;
            var averageRank = (i + 1 + j) / 2.0; // ranks i+1 .. j
            for (var k = i; k < j; k++)
                if (all[k].Positive) positiveRankSum += averageRank;
            i = j;
        }

        double p = positives.Count, q = negatives.Count;
        return (positiveRankSum - p * (p + 1) / 2) / (p * q);
    }

    private static Dictionary<string, double> Multiclass(int[] actual, int[] predicted, float[][] probabilities, IReadOnlyList<string> classLabels)
    {
        var k = classLabels.Count;
        var truePositives = new int[k];
        var actualCounts = new int[k];
        var predictedCounts = new int[k];
        double logLoss = 0;
        int n = 0, correct = 0;
        for (var row = 0; row < actual.Length; row++)
        {
            if (actual[row] < 0) continue;
            n++;
            actualCounts[actual[row]]++;
            if (predicted[row] >= 0) predictedCounts[predicted[row]]++;
            if (predicted[row] == actual[row]) { correct++; truePositives[actual[row]]++; }
            logLoss -= Math.Log(Math.Clamp(probabilities[row][actual[row]], Epsilon, 1 - Epsilon));
        }

        var metrics = new Dictionary<string, double>
        {
            ["micro_accuracy"] = (double)correct / n,
            // Classes absent from the data are left out of the mean, as ML.NET does.
            ["macro_accuracy"] = Enumerable.Range(0, k).Where(c => actualCounts[c] > 0)
                .Average(c => (double)truePositives[c] / actualCounts[c]),
            ["log_loss"] = logLoss / n,
        };
        for (var c = 0; c < k; c++)
        {
            var precision = predictedCounts[c] == 0 ? 0 : (double)truePositives[c] / predictedCounts[c];
            var recall = actualCounts[c] == 0 ? 0 : (double)truePositives[c] / actualCounts[c];
            metrics[$"f1_{classLabels[c]}"] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        return metrics;
    }
}
