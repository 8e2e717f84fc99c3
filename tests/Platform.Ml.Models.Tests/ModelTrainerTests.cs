using Platform.Contracts;
using Platform.Ml.Data;
using Xunit.Abstractions;

namespace Platform.Ml.Models.Tests;

public sealed class ModelTrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void Regression_trains_selects_exports_and_scores_end_to_end()
    {
        var progress = new List<TrainingProgress>();
        // The best-scoring candidate, not the one-standard-error rule's pick (SelectionRuleTests covers that).
        var result = ModelTrainer.Train(Datasets.Diabetes, new TrainingOptions("target", MlTask.Regression, Trainers: ["sdca", "fasttree"],
                OneStandardErrorRule: false),
            new SynchronousProgress(progress));

        // 353/89 rows: scikit-learn's train_test_split(test_size=0.2, random_state=42) on 442 rows.
        Assert.Equal(353, result.TrainRows);
        Assert.Equal(89, result.HoldoutRows);
        Assert.Equal(89, result.Holdout.RowCount);
        Assert.True(result.Holdout.Contains("target"));
        Assert.Equal("r2", result.PrimaryMetric);
        Assert.True(result.HigherIsBetter);

        // Every candidate was cross-validated on 5 folds and the winner is the best mean: 5 linear settings and one
        // boosted fit per fold, scored after each tenth of its rounds (each a candidate of its own).
        Assert.Equal(5 + 10, result.CrossValidation.Count);
        Assert.All(result.CrossValidation, c => Assert.Equal(5, c.FoldScores.Count));
        Assert.Equal(result.CrossValidation.Max(c => c.Mean), result.CrossValidation[0].Mean);
        Assert.Equal(result.CrossValidation[0].Trainer, result.Trainer);
        Assert.Equal(result.CrossValidation[0].Parameters, result.Parameters);
        Assert.Equal(6 * 5, progress.Count(p => p.Stage == "cross-validation"));

        // The exported model scores the holdout to the reported metrics.
        using var scorer = OnnxScorer.Load(result.OnnxModel);
        Assert.Equal(result.Signature, scorer.Signature, SignatureComparer.Instance);
        var metrics = ModelEvaluator.Evaluate(MlTask.Regression, result.Holdout, "target", scorer.Score(result.Holdout), null);
        Assert.Equal(result.HoldoutMetrics["r2"], metrics["r2"], 12);
        Assert.InRange(result.HoldoutMetrics["rmse"], 1, 100);
        Assert.True(result.MlNetModel.Length > 0);
        Assert.Null(result.ConfusionMatrix);
        // Fewer holdout rows than the bound: every one of them, as the exported model predicts it.
        Assert.Equal(result.HoldoutRows, result.HoldoutPredictions.Count);
        Assert.True(result.HoldoutPredictions.Count <= ModelEvaluator.MaxHoldoutPredictions);
        Assert.Equal(result.Holdout["target"].Numbers, result.HoldoutPredictions.Select(p => p.Actual));
    }

    [Fact]
    public void Same_data_and_seed_give_the_same_model_and_metrics()
    {
        var options = new TrainingOptions("target", MlTask.Regression, Folds: 3, Trainers: ["sdca", "fastforest", "lightgbm"]);
        var first = ModelTrainer.Train(Datasets.Diabetes, options);
        var second = ModelTrainer.Train(Datasets.Diabetes, options);

        Assert.Equal(first.OnnxModel, second.OnnxModel);
        Assert.Equal(first.HoldoutMetrics, second.HoldoutMetrics);
        Assert.Equal(first.CrossValidation.Select(c => c.FoldScores), second.CrossValidation.Select(c => c.FoldScores));
    }

    [Fact]
    public void A_different_seed_gives_a_different_split()
    {
        var options = new TrainingOptions("target", MlTask.Regression, Folds: 3, Trainers: ["sdca"]);
        var seed42 = ModelTrainer.Train(Datasets.Diabetes, options);
        var seed7 = ModelTrainer.Train(Datasets.Diabetes, options with { Seed = 7 });
        Assert.NotEqual(seed42.Holdout["target"].Numbers, seed7.Holdout["target"].Numbers);
        Assert.Equal(7, seed7.Seed);
    }

    [Fact]
    public void Diabetes_holdout_r2_reaches_the_ordinary_least_squares_baseline()
    {
        var result = ModelTrainer.Train(Datasets.Diabetes, new TrainingOptions("target", MlTask.Regression, Trainers: ["sdca", "fastforest"]));
        Log(result);
        Assert.True(result.HoldoutMetrics["r2"] >= 0.45, $"R² {result.HoldoutMetrics["r2"]:F4} with {result.Trainer}");
    }

    [Fact]
    public void Iris_multiclass_accuracy_is_at_least_93_percent()
    {
        var result = ModelTrainer.Train(Datasets.Iris, new TrainingOptions("species", MlTask.Multiclass, Trainers: ["lbfgs-maxent", "sdca-maxent"]));

        Log(result);
        Assert.Equal(["setosa", "versicolor", "virginica"], result.Signature.ClassLabels);
        Assert.Equal("macro_accuracy", result.PrimaryMetric);
        Assert.True(result.HoldoutMetrics["micro_accuracy"] >= 0.93, $"accuracy {result.HoldoutMetrics["micro_accuracy"]:F4} with {result.Trainer}");
        Assert.Contains("f1_setosa", result.HoldoutMetrics.Keys);
        Assert.Contains("log_loss", result.HoldoutMetrics.Keys);

        var confusion = result.ConfusionMatrix!;
        Assert.Equal(result.Signature.ClassLabels, confusion.Labels);
        Assert.Equal(result.HoldoutRows, confusion.Counts.Sum(row => row.Sum()));
        Assert.Empty(result.HoldoutPredictions);
        var correct = Enumerable.Range(0, 3).Sum(i => confusion.Counts[i][i]);
        Assert.Equal(result.HoldoutMetrics["micro_accuracy"], (double)correct / result.HoldoutRows, 12);
    }

    [Fact]
    public void Breast_cancer_binary_accuracy_is_at_least_95_percent()
    {
        var result = ModelTrainer.Train(Datasets.BreastCancer, new TrainingOptions("malignant", MlTask.Binary, Trainers: ["lbfgs-logistic", "sdca-logistic"]));

        Log(result);
        Assert.Equal(["0", "1"], result.Signature.ClassLabels);
        Assert.Equal("auc", result.PrimaryMetric);
        Assert.True(result.HoldoutMetrics["accuracy"] >= 0.95, $"accuracy {result.HoldoutMetrics["accuracy"]:F4} with {result.Trainer}");
        foreach (var name in new[] { "precision", "recall", "f1", "auc", "log_loss" })
            Assert.Contains(name, result.HoldoutMetrics.Keys);
        Assert.Equal(2, result.ConfusionMatrix!.Counts.Length);
    }

    [Fact]
    public void Binary_text_labels_take_the_second_in_sorted_order_as_positive()
    {
        var result = ModelTrainer.Train(Datasets.Mixed(MlTask.Binary), new TrainingOptions("y", MlTask.Binary, Folds: 3, Trainers: ["lbfgs-logistic"]));
        Assert.Equal(["no", "yes"], result.Signature.ClassLabels);
        // Every column kind is a named input; the categorical one lists the categories seen in training.
        var inputs = result.Signature.Inputs.ToDictionary(i => i.Name);
        Assert.Equal(ColumnKind.Boolean, inputs["flag"].Kind);
        Assert.Equal(["blue", "green", "red"], inputs["colour"].Categories!.Order());
        Assert.True(result.HoldoutMetrics["accuracy"] > 0.8);
    }

    [Fact]
    public void Every_trainer_of_every_task_trains_and_exports()
    {
        foreach (var task in new[] { MlTask.Regression, MlTask.Binary, MlTask.Multiclass })
        {
            var data = Datasets.Mixed(task);
            foreach (var trainer in ModelTrainer.TrainerNames(task))
            {
                var result = ModelTrainer.Train(data, new TrainingOptions("y", task, Folds: 2, Trainers: [trainer]));
                Assert.Equal(trainer, result.Trainer);
                Assert.NotEmpty(result.OnnxModel);
                Assert.All(result.HoldoutMetrics.Values, v => Assert.False(double.IsNaN(v), $"{task} {trainer}"));
            }
        }
    }

    [Fact]
    public void The_MlNet_artifact_loads_and_predicts_what_the_onnx_model_predicts()
    {
        var result = ModelTrainer.Train(Datasets.Mixed(MlTask.Regression), new TrainingOptions("y", MlTask.Regression, Folds: 2, Trainers: ["fasttree"]));

        var ml = new Microsoft.ML.MLContext(seed: 1);
        var model = ml.Model.Load(new MemoryStream(result.MlNetModel), out var inputSchema);
        Assert.DoesNotContain(inputSchema, c => c.Name == "y");
        var layout = Platform.Ml.Models.Training.FeatureLayout.From(result.Holdout, "y");
        var mlNet = Microsoft.ML.Data.ColumnCursorExtensions.GetColumn<float>(
            model.Transform(new Platform.Ml.Models.Training.TableDataView(result.Holdout, layout, label: null)), "Score").ToArray();

        using var scorer = OnnxScorer.Load(result.OnnxModel);
        var onnx = scorer.Score(result.Holdout).Values!;
        for (var i = 0; i < onnx.Length; i++) Assert.True(Math.Abs(mlNet[i] - onnx[i]) <= 1e-4 * Math.Max(1, Math.Abs(onnx[i])), $"row {i}");
    }

    [Fact]
    public void Trainer_names_are_listed_per_task()
    {
        Assert.Equal(["ridge", "sdca", "fasttree", "fastforest", "lightgbm", "ogd"], ModelTrainer.TrainerNames(MlTask.Regression));
        Assert.Equal(["sdca-logistic", "lbfgs-logistic", "fasttree", "fastforest", "lightgbm"], ModelTrainer.TrainerNames(MlTask.Binary));
        Assert.Equal(["sdca-maxent", "lbfgs-maxent", "lightgbm", "random-forest", "ova-fasttree", "ova-fastforest"], ModelTrainer.TrainerNames(MlTask.Multiclass));
    }

    [Fact]
    public void Unknown_trainer_and_missing_target_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ModelTrainer.Train(Datasets.Iris, new TrainingOptions("nope", MlTask.Multiclass)));
        Assert.Throws<ArgumentException>(() => ModelTrainer.Train(Datasets.Iris, new TrainingOptions("species", MlTask.Multiclass, Trainers: ["sdca"])));
        Assert.Throws<ArgumentException>(() => ModelTrainer.Train(Datasets.Iris, new TrainingOptions("species", MlTask.Binary)));
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            ModelTrainer.Train(Datasets.Diabetes, new TrainingOptions("target", MlTask.Regression, Trainers: ["sdca"]), cancellationToken: cancelled.Token));
    }

    private void Log(TrainingResult result)
    {
        output.WriteLine($"{result.Trainer} {string.Join(" ", result.Parameters.Select(p => $"{p.Key}={p.Value}"))} in {result.Duration.TotalSeconds:F1} s");
        foreach (var (name, value) in result.HoldoutMetrics) output.WriteLine($"  holdout {name} = {value:F4}");
        foreach (var c in result.CrossValidation) output.WriteLine($"  cv {c.Trainer} {string.Join(" ", c.Parameters.Select(p => $"{p.Key}={p.Value}"))}: {c.Mean:F4} ± {c.StdDev:F4}");
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want every report in order, at once.</summary>
    private sealed class SynchronousProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}

/// <summary>Records with list members compare lists by reference; signatures compare by content here.</summary>
internal sealed class SignatureComparer : IEqualityComparer<ModelSignature>
{
    public static readonly SignatureComparer Instance = new();

    public bool Equals(ModelSignature? x, ModelSignature? y) =>
        x is not null && y is not null
        && Platform.Ml.Models.Onnx.SignatureJson.Serialize(x) == Platform.Ml.Models.Onnx.SignatureJson.Serialize(y);

    public int GetHashCode(ModelSignature obj) => obj.Task.GetHashCode();
}
