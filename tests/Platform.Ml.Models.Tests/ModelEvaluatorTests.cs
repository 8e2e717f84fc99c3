using Platform.Contracts;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Tests;

/// <summary>Metrics against values computed by hand and with scikit-learn's definitions.</summary>
public sealed class ModelEvaluatorTests
{
    [Fact]
    public void Regression_metrics_match_the_textbook_formulas()
    {
        // y = [3, -0.5, 2, 7], ŷ = [2.5, 0, 2, 8]: scikit-learn gives MSE 0.375, MAE 0.5, R² 0.9486081370449679.
        var table = new Table([TableColumn.Numeric("y", [3, -0.5, 2, 7])]);
        var metrics = ModelEvaluator.Evaluate(MlTask.Regression, table, "y", new ScoreResult([2.5, 0, 2, 8], null, null), null);

        Assert.Equal(Math.Sqrt(0.375), metrics["rmse"], 12);
        Assert.Equal(0.5, metrics["mae"], 12);
        Assert.Equal(0.9486081370449679, metrics["r2"], 12);
    }

    [Fact]
    public void Holdout_predictions_are_an_evenly_spaced_bounded_sample_without_missing_targets()
    {
        // Ten rows, the fourth target missing: nine usable, three taken at every third of them.
        double[] actual = [0, 1, 2, double.NaN, 4, 5, 6, 7, 8, 9];
        var table = new Table([TableColumn.Numeric("y", actual)]);
        var scores = new ScoreResult(actual.Select(v => v * 10).ToArray(), null, null);

        var sample = ModelEvaluator.Predictions(table, "y", scores, max: 3);
        Assert.Equal([new HoldoutPrediction(0, 0), new HoldoutPrediction(4, 40), new HoldoutPrediction(7, 70)], sample);

        var all = ModelEvaluator.Predictions(table, "y", scores);
        Assert.Equal(9, all.Count);
        Assert.DoesNotContain(all, p => double.IsNaN(p.Actual));
    }

    [Fact]
    public void Binary_metrics_match_scikit_learn()
    {
        // roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75; log_loss ≈ 0.47229; threshold 0.5 → one TP, two TN, one FN.
        var table = new Table([TableColumn.Numeric("y", [0, 0, 1, 1])]);
        float[] p = [0.1f, 0.4f, 0.35f, 0.8f];
        var scores = new ScoreResult(null, p.Select(v => v >= 0.5f ? "1" : "0").ToArray(), p.Select(v => new[] { 1 - v, v }).ToArray());
        var metrics = ModelEvaluator.Evaluate(MlTask.Binary, table, "y", scores, ["0", "1"]);

        Assert.Equal(0.75, metrics["auc"], 12);
        Assert.Equal(0.75, metrics["accuracy"], 12);
        Assert.Equal(1.0, metrics["precision"], 12);
        Assert.Equal(0.5, metrics["recall"], 12);
        Assert.Equal(2.0 / 3, metrics["f1"], 12);
        // The probabilities are float32; the loss is computed from their exact double values.
        var expectedLogLoss = -(Math.Log(1 - (double)0.1f) + Math.Log(1 - (double)0.4f) + Math.Log((double)0.35f) + Math.Log((double)0.8f)) / 4;
        Assert.Equal(expectedLogLoss, metrics["log_loss"], 9);
    }

    [Fact]
    public void Auc_counts_ties_as_half()
    {
        Assert.Equal(0.5, ModelEvaluator.Auc([0.5, 0.5], [0.5, 0.5]), 12);
        Assert.Equal(1.0, ModelEvaluator.Auc([0.9, 0.8], [0.1]), 12);
        Assert.Equal(0.75, ModelEvaluator.Auc([0.5, 0.9], [0.5]), 12);
    }

    [Fact]
    public void Multiclass_metrics_and_confusion_matrix_follow_the_class_order()
    {
        var table = new Table([TableColumn.Categorical("y", ["a", "a", "b", "c", "c", "c"])]);
        string[] predicted = ["a", "b", "b", "c", "c", "a"];
        string[] classes = ["a", "b", "c"];
        var probabilities = predicted.Select(l => classes.Select(c => c == l ? 0.8f : 0.1f).ToArray()).ToArray();
        var scores = new ScoreResult(null, predicted, probabilities);

        var metrics = ModelEvaluator.Evaluate(MlTask.Multiclass, table, "y", scores, classes);
        Assert.Equal(4.0 / 6, metrics["micro_accuracy"], 12);
        Assert.Equal((0.5 + 1 + 2.0 / 3) / 3, metrics["macro_accuracy"], 12);
        Assert.Equal(0.5, metrics["f1_a"], 12); // precision 1/2, recall 1/2
        Assert.Equal(2.0 / 3, metrics["f1_b"], 12); // precision 1/2, recall 1
        Assert.Equal(0.8, metrics["f1_c"], 12); // precision 1, recall 2/3
        Assert.Equal(-(4 * Math.Log(0.8f) + 2 * Math.Log(0.1f)) / 6, metrics["log_loss"], 9);

        var confusion = ModelEvaluator.Confusion(table, "y", scores, classes);
        Assert.Equal([[1, 1, 0], [0, 1, 0], [1, 0, 2]], confusion.Counts);
    }
}
