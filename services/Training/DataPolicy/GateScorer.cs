using System.Globalization;
using Platform.Contracts;
using Platform.Ml;
using Platform.Ml.Data;
using Platform.Ml.Models;

namespace Platform.Training.DataPolicy;

/// <summary>
/// Scores challenger and champion row by row on the gate's rows (the newest selected rows, which the challenger did
/// not train on): squared errors for regression, 0/1 errors for classifiers. The Registry's gate judges the difference.
/// </summary>
public static class GateScorer
{
    public static GateHoldout Score(Table gate, DataSelection selection, TrainingResult challenger, OnnxScorer champion, int championVersion)
    {
        using var scorer = OnnxScorer.Load(challenger.OnnxModel);
        var target = gate[challenger.Signature.Target];
        var ours = scorer.Score(gate);
        var theirs = champion.Score(gate);
        var regression = challenger.Signature.Task == MlTask.Regression;

        var challengerLosses = new List<double>(gate.RowCount);
        var championLosses = new List<double>(gate.RowCount);
        var oursLosses = Losses(target, ours, regression);
        var theirsLosses = Losses(target, theirs, regression);
        for (var row = 0; row < gate.RowCount; row++)
        {
            // An unlabelled row has no loss for either model.
            if (double.IsNaN(oursLosses[row])) continue;
            challengerLosses.Add(oursLosses[row]);
            championLosses.Add(theirsLosses[row]);
        }

        var sources = selection.Versions.Where(v => v.RowTo > selection.GateFrom)
            .Select(v => $"v{v.Version} {v.Source}").Distinct();
        var provenance = $"{selection.DatasetName} v{selection.DatasetVersion} rows {selection.GateFrom}-{selection.RowTo}, from {string.Join(", ", sources)}";
        return new GateHoldout(regression ? "rmse" : "error_rate", selection.DatasetName, selection.DatasetVersion, selection.GateFrom, selection.RowTo,
            provenance, championVersion, challengerLosses, championLosses);
    }

    /// <summary>A model's loss on each row: squared error for regression, 0/1 error for classifiers; NaN where the row has no label.</summary>
    public static double[] Losses(TableColumn target, ScoreResult scores, bool regression)
    {
        var losses = new double[target.Length];
        for (var row = 0; row < losses.Length; row++)
        {
            if (regression)
            {
                var actual = target.Numbers![row];
                losses[row] = double.IsNaN(actual) ? double.NaN : Square(scores.Values![row] - actual);
            }
            else losses[row] = Label(target, row) is { } actual ? (scores.Labels![row] == actual ? 0 : 1) : double.NaN;
        }

        return losses;
    }

    /// <summary>
    /// A classifier's log-loss on each row (−ln of the probability it gave the actual class, floored at 1e-12); NaN where
    /// the row has no label or a class the model does not know. Finer than the 0/1 error: a confident mistake weighs more.
    /// </summary>
    public static double[] LogLosses(TableColumn target, ScoreResult scores, IReadOnlyList<string> classLabels)
    {
        var losses = new double[target.Length];
        for (var row = 0; row < losses.Length; row++)
        {
            var index = Label(target, row) is { } actual ? IndexOf(classLabels, actual) : -1;
            losses[row] = index < 0 ? double.NaN : -Math.Log(Math.Max(scores.Probabilities![row][index], 1e-12));
        }

        return losses;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] == label) return i;
        return -1;
    }

    private static double Square(double value) => value * value;

    /// <summary>A target cell as the class label the scorer predicts (the ML library's rule: numbers in "R" form, booleans as true/false).</summary>
    private static string? Label(TableColumn column, int row)
    {
        if (column.Numbers is not { } numbers) return column.Texts![row];
        var value = numbers[row];
        if (double.IsNaN(value)) return null;
        return column.Kind == ColumnKind.Boolean ? (value != 0 ? "true" : "false") : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
