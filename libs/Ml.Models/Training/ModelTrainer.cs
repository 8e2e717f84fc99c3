using System.Diagnostics;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models;

/// <summary>
/// Trains a model end to end: rows with a missing target are dropped; the rest are split into training and
/// holdout exactly as scikit-learn's <c>train_test_split(test_size, random_state=seed)</c>; every candidate
/// (trainer × grid point) is scored by k-fold cross-validation on the training split; the best mean of the
/// primary metric wins (R² for regression, ROC AUC for binary, macro accuracy for multiclass — all higher is
/// better; on a tie the earlier candidate in <see cref="TrainerNames"/> order wins); the winner is refitted on
/// the whole training split, exported to ONNX, and the ONNX model is evaluated on the untouched holdout.
/// </summary>
public static class ModelTrainer
{
    public static IReadOnlyList<string> TrainerNames(MlTask task) => TrainerCatalog.Names(task);

    /// <summary>The metric model selection maximises.</summary>
    public static string PrimaryMetricOf(MlTask task) => task switch
    {
        MlTask.Regression => "r2",
        MlTask.Binary => "auc",
        _ => "macro_accuracy",
    };

    public static TrainingResult Train(Table data, TrainingOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (!data.Contains(options.Target)) throw new ArgumentException($"The table has no target column '{options.Target}'.", nameof(options));
        var stopwatch = Stopwatch.StartNew();

        var target = data[options.Target];
        var labelled = Enumerable.Range(0, data.RowCount).Where(row => TargetLabels.Text(target, row) is not null).ToArray();
        if (labelled.Length < data.RowCount) data = data.SelectRows(labelled);
        var classes = options.Task == MlTask.Regression ? null : TargetLabels.Classes(data[options.Target], options.Task);
        var layout = FeatureLayout.From(data, options.Target);

        var (trainRows, holdoutRows) = TrainTestSplit.Split(data.RowCount, options.TestFraction, options.Seed);
        var train = data.SelectRows(trainRows);
        var holdout = data.SelectRows(holdoutRows);

        var candidates = (options.Trainers ?? TrainerNames(options.Task))
            .SelectMany(name => TrainerCatalog.Grid(options.Task, name)).ToArray();
        var folds = TrainTestSplit.KFold(train.RowCount, options.Folds, options.Seed);
        var metric = PrimaryMetricOf(options.Task);

        var results = new List<(CandidateResult Result, TrainerCandidate Candidate)>();
        var total = candidates.Length * folds.Count;
        var done = 0;
        foreach (var candidate in candidates)
        {
            var scores = new List<double>();
            foreach (var (foldTrain, foldValidation) in folds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var validation = train.SelectRows(foldValidation);
                var fitted = MlNetPipeline.Fit(train.SelectRows(foldTrain), options.Target, options.Task, layout, classes, candidate, options.Seed);
                var metrics = ModelEvaluator.Evaluate(options.Task, validation, options.Target, fitted.Score(validation), classes);
                scores.Add(metrics[metric]);
                progress?.Report(new TrainingProgress("cross-validation", ++done, total, candidate.Trainer));
            }

            results.Add((new CandidateResult(candidate.Trainer, candidate.Parameters, scores.Average(), StdDev(scores), scores), candidate));
        }

        // NaN (e.g. AUC on a fold with one class) ranks last; OrderByDescending is stable, so ties keep catalogue order.
        var ranked = results.OrderByDescending(r => double.IsNaN(r.Result.Mean) ? double.NegativeInfinity : r.Result.Mean).ToArray();
        var best = ranked[0].Candidate;

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new TrainingProgress("refit", 0, 1, best.Trainer));
        var model = MlNetPipeline.Fit(train, options.Target, options.Task, layout, classes, best, options.Seed);
        progress?.Report(new TrainingProgress("export", 0, 1, best.Trainer));
        var export = PipelineReader.Read(model, train, options.Target);
        var onnx = OnnxExporter.Export(export);

        using var scorer = OnnxScorer.Load(onnx);
        var holdoutScores = scorer.Score(holdout);
        progress?.Report(new TrainingProgress("export", 1, 1, best.Trainer));

        return new TrainingResult
        {
            Signature = export.Signature,
            Trainer = best.Trainer,
            Parameters = best.Parameters,
            PrimaryMetric = metric,
            HigherIsBetter = true,
            HoldoutMetrics = ModelEvaluator.Evaluate(options.Task, holdout, options.Target, holdoutScores, classes),
            ConfusionMatrix = classes is null ? null : ModelEvaluator.Confusion(holdout, options.Target, holdoutScores, classes),
            CrossValidation = ranked.Select(r => r.Result).ToArray(),
            OnnxModel = onnx,
            MlNetModel = model.Save(train),
            Holdout = holdout,
            TrainRows = train.RowCount,
            HoldoutRows = holdout.RowCount,
            Seed = options.Seed,
            Duration = stopwatch.Elapsed,
        };
    }

    private static double StdDev(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
