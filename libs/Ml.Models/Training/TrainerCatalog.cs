using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Platform.Ml.Models.Training;

/// <summary>One trainer with one hyper-parameter setting, ready to be appended to the preprocessing.</summary>
internal sealed record TrainerCandidate(
    string Trainer,
    IReadOnlyDictionary<string, string> Parameters,
    Func<MLContext, int, IEstimator<ITransformer>> Create);

/// <summary>
/// The trainers per task and their small hyper-parameter grids. The grids are chosen for the small tabular
/// data this platform sees (hundreds to tens of thousands of rows): ML.NET's tree defaults overfit a few
/// hundred rows, so the grids favour fewer leaves, more examples per leaf and slower learning rates.
/// Determinism: every trainer gets the run's seed (MLContext seed, and the trainer's own Seed option) and
/// a single thread, because multi-threaded SDCA, L-BFGS and tree training reduce in a varying order.
/// Trees never use categorical splits: one-hot columns are plain 0/1 features, so every split is a
/// numeric x &lt;= threshold that the ONNX TreeEnsemble operators reproduce exactly.
/// </summary>
internal static class TrainerCatalog
{
    private const string Label = FeatureLayout.Label;
    private const string Features = FeatureLayout.Features;

    public static IReadOnlyList<string> Names(MlTask task) => task switch
    {
        MlTask.Regression => ["sdca", "fasttree", "fastforest", "lightgbm", "ogd"],
        MlTask.Binary => ["sdca-logistic", "lbfgs-logistic", "fasttree", "fastforest", "lightgbm"],
        MlTask.Multiclass => ["sdca-maxent", "lbfgs-maxent", "lightgbm", "ova-fasttree"],
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    public static IReadOnlyList<TrainerCandidate> Grid(MlTask task, string trainer) => (task, trainer) switch
    {
        // Linear models: the L2 penalty is the one knob that matters on standardised features.
        (MlTask.Regression, "sdca") => L2Grid(trainer, [1e-3f, 1e-1f], (ml, seed, l2) => ml.Regression.Trainers.Sdca(
            new SdcaRegressionTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = l2, NumberOfThreads = 1 })),
        // Online gradient descent: a larger step with fewer passes, or a smaller one with more (it shuffles with the MLContext seed).
        (MlTask.Regression, "ogd") =>
        [
            Ogd(0.1f, 50), Ogd(0.02f, 200),
        ],
        (MlTask.Regression, "fasttree") => TreeGrid(trainer, BoostedPoints, (ml, seed, p) => ml.Regression.Trainers.FastTree(
            Boosted(new FastTreeRegressionTrainer.Options(), seed, p))),
        (MlTask.Regression, "fastforest") => TreeGrid(trainer, ForestPoints, (ml, seed, p) => ml.Regression.Trainers.FastForest(
            Forest(new FastForestRegressionTrainer.Options(), seed, p))),
        (MlTask.Regression, "lightgbm") => TreeGrid(trainer, LightGbmPoints, (ml, seed, p) => ml.Regression.Trainers.LightGbm(
            LightGbm(new LightGbmRegressionTrainer.Options(), seed, p))),

        (MlTask.Binary, "sdca-logistic") => L2Grid(trainer, [1e-3f, 1e-1f], (ml, seed, l2) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(
            new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = l2, NumberOfThreads = 1 })),
        (MlTask.Binary, "lbfgs-logistic") => L2Grid(trainer, [0.01f, 1f], (ml, seed, l2) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
            new LbfgsLogisticRegressionBinaryTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = l2, NumberOfThreads = 1 })),
        (MlTask.Binary, "fasttree") => TreeGrid(trainer, BoostedPoints, (ml, seed, p) => ml.BinaryClassification.Trainers.FastTree(
            Boosted(new FastTreeBinaryTrainer.Options(), seed, p))),
        // ML.NET's FastForest binary returns raw scores (no Probability column): add a Platt calibrator as the ensemble's own would.
        (MlTask.Binary, "fastforest") => TreeGrid(trainer, ForestPoints, (ml, seed, p) => ml.BinaryClassification.Trainers.FastForest(
                Forest(new FastForestBinaryTrainer.Options(), seed, p))
            .Append(ml.BinaryClassification.Calibrators.Platt(labelColumnName: Label))),
        (MlTask.Binary, "lightgbm") => TreeGrid(trainer, LightGbmPoints, (ml, seed, p) => ml.BinaryClassification.Trainers.LightGbm(
            LightGbm(new LightGbmBinaryTrainer.Options(), seed, p))),

        (MlTask.Multiclass, "sdca-maxent") => L2Grid(trainer, [1e-3f, 1e-1f], (ml, seed, l2) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
            new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = l2, NumberOfThreads = 1 })),
        (MlTask.Multiclass, "lbfgs-maxent") => L2Grid(trainer, [0.01f, 1f], (ml, seed, l2) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
            new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = l2, NumberOfThreads = 1 })),
        // UseSoftmax must be explicit: below 50,000 rows LightGBM would otherwise pick one-versus-all.
        (MlTask.Multiclass, "lightgbm") => TreeGrid(trainer, LightGbmPoints, (ml, seed, p) => ml.MulticlassClassification.Trainers.LightGbm(
            LightGbm(new LightGbmMulticlassTrainer.Options { UseSoftmax = true }, seed, p))),
        (MlTask.Multiclass, "ova-fasttree") => TreeGrid(trainer, OvaPoints, (ml, seed, p) => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(Boosted(new FastTreeBinaryTrainer.Options(), seed, p)), labelColumnName: Label)),

        _ => throw new ArgumentException($"Unknown trainer '{trainer}' for {task.ToWireName()}; known: {string.Join(", ", Names(task))}."),
    };

    /// <summary>Tree grid point: leaves, trees (iterations), learning rate (boosting only), minimum examples per leaf.</summary>
    private sealed record TreePoint(int Leaves, int Trees, double LearningRate, int MinPerLeaf);

    private static readonly TreePoint[] BoostedPoints = [new(4, 100, 0.05, 10), new(8, 100, 0.05, 20), new(16, 200, 0.02, 10)];
    private static readonly TreePoint[] ForestPoints = [new(8, 100, 0, 10), new(16, 100, 0, 5)];
    private static readonly TreePoint[] LightGbmPoints = [new(4, 100, 0.05, 10), new(8, 100, 0.05, 20)];
    private static readonly TreePoint[] OvaPoints = [new(4, 50, 0.1, 5), new(8, 100, 0.05, 10)];

    private static TOptions Boosted<TOptions>(TOptions options, int seed, TreePoint p) where TOptions : BoostedTreeOptions
    {
        options.LabelColumnName = Label;
        options.FeatureColumnName = Features;
        options.NumberOfLeaves = p.Leaves;
        options.NumberOfTrees = p.Trees;
        options.LearningRate = p.LearningRate;
        options.MinimumExampleCountPerLeaf = p.MinPerLeaf;
        options.CategoricalSplit = false;
        options.NumberOfThreads = 1;
        options.Seed = seed;
        return options;
    }

    private static TOptions Forest<TOptions>(TOptions options, int seed, TreePoint p) where TOptions : FastForestOptionsBase
    {
        options.LabelColumnName = Label;
        options.FeatureColumnName = Features;
        options.NumberOfLeaves = p.Leaves;
        options.NumberOfTrees = p.Trees;
        options.MinimumExampleCountPerLeaf = p.MinPerLeaf;
        options.CategoricalSplit = false;
        options.NumberOfThreads = 1;
        options.Seed = seed;
        return options;
    }

    // LightGBM's option classes share their members only through a generic nested base, so one method each.
    private static LightGbmRegressionTrainer.Options LightGbm(LightGbmRegressionTrainer.Options o, int seed, TreePoint p)
    {
        o.LabelColumnName = Label; o.FeatureColumnName = Features;
        o.NumberOfLeaves = p.Leaves; o.NumberOfIterations = p.Trees; o.LearningRate = p.LearningRate; o.MinimumExampleCountPerLeaf = p.MinPerLeaf;
        o.UseCategoricalSplit = false; o.NumberOfThreads = 1; o.Seed = seed; o.Silent = true;
        return o;
    }

    private static LightGbmBinaryTrainer.Options LightGbm(LightGbmBinaryTrainer.Options o, int seed, TreePoint p)
    {
        o.LabelColumnName = Label; o.FeatureColumnName = Features;
        o.NumberOfLeaves = p.Leaves; o.NumberOfIterations = p.Trees; o.LearningRate = p.LearningRate; o.MinimumExampleCountPerLeaf = p.MinPerLeaf;
        o.UseCategoricalSplit = false; o.NumberOfThreads = 1; o.Seed = seed; o.Silent = true;
        return o;
    }

    private static LightGbmMulticlassTrainer.Options LightGbm(LightGbmMulticlassTrainer.Options o, int seed, TreePoint p)
    {
        o.LabelColumnName = Label; o.FeatureColumnName = Features;
        o.NumberOfLeaves = p.Leaves; o.NumberOfIterations = p.Trees; o.LearningRate = p.LearningRate; o.MinimumExampleCountPerLeaf = p.MinPerLeaf;
        o.UseCategoricalSplit = false; o.NumberOfThreads = 1; o.Seed = seed; o.Silent = true;
        return o;
    }

    private static TrainerCandidate[] TreeGrid(string trainer, TreePoint[] points, Func<MLContext, int, TreePoint, IEstimator<ITransformer>> create) =>
        points.Select(p => new TrainerCandidate(trainer, TreeParameters(p), (ml, seed) => create(ml, seed, p))).ToArray();

    private static Dictionary<string, string> TreeParameters(TreePoint p)
    {
        var parameters = new Dictionary<string, string>
        {
            ["leaves"] = Text(p.Leaves),
            ["trees"] = Text(p.Trees),
            ["min_per_leaf"] = Text(p.MinPerLeaf),
        };
        if (p.LearningRate > 0) parameters["learning_rate"] = Text(p.LearningRate);
        return parameters;
    }

    private static TrainerCandidate[] L2Grid(string trainer, float[] l2Values, Func<MLContext, int, float, IEstimator<ITransformer>> create) =>
        l2Values.Select(l2 => new TrainerCandidate(trainer, new Dictionary<string, string> { ["l2"] = Text(l2) }, (ml, seed) => create(ml, seed, l2))).ToArray();

    private static TrainerCandidate Ogd(float learningRate, int iterations) => new(
        "ogd",
        new Dictionary<string, string> { ["learning_rate"] = Text(learningRate), ["iterations"] = Text(iterations) },
        (ml, seed) => ml.Regression.Trainers.OnlineGradientDescent(new OnlineGradientDescentTrainer.Options
        {
            LabelColumnName = Label,
            FeatureColumnName = Features,
            LearningRate = learningRate,
            NumberOfIterations = iterations,
        }));

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
