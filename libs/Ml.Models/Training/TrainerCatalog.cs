using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Platform.Ml.Models.Training;

/// <summary>One trainer with one hyper-parameter setting, ready to be appended to the preprocessing.</summary>
/// <param name="Standardize">
/// Whether the numeric features are standardised (centred, unit variance) before the trainer: linear and
/// gradient-based models need it (their penalty and step size assume comparable scales); trees split on
/// thresholds and are unaffected, so they get the imputed values as they are.
/// </param>
/// <param name="Stages">
/// Several models scored from one fit per fold (<see cref="StagedScores"/>): for boosted trees the round counts at
/// which the fit of the largest is scored, the first k trees being the model boosted for k rounds; for ridge the
/// indexes of its α path. Null for every other trainer.
/// </param>
/// <param name="AtStage">For staged candidates: the single model of one stage (a round count, an α index), unstaged.</param>
/// <param name="Forest">For the random forest (our own code, <see cref="RandomForest"/>): its settings; <see cref="Create"/> is then null.</param>
/// <param name="Ridge">For ridge regression (our own code, <see cref="Training.Ridge"/>): its α path; <see cref="Create"/> is then null.</param>
/// <param name="Complexity">
/// Orders the settings of one trainer from simplest up, for the one-standard-error rule: leaves × trees for trees
/// (fewer rounds are the simpler boosted model), the negated penalty for linear models (a stronger penalty is simpler).
/// </param>
internal sealed record TrainerCandidate(
    string Trainer,
    IReadOnlyDictionary<string, string> Parameters,
    Func<MLContext, int, IEstimator<ITransformer>>? Create,
    bool Standardize = true,
    IReadOnlyList<int>? Stages = null,
    Func<int, TrainerCandidate>? AtStage = null,
    double Complexity = 0,
    RandomForestSettings? Forest = null,
    RidgeSettings? Ridge = null);

/// <summary>
/// The trainers per task and their hyper-parameter grids. The grids grow with the data: small data (fewer than
/// <see cref="LargeData"/> training rows) gets the settings that suit a few hundred rows (few leaves, many examples
/// per leaf, slow learning), larger data adds more rounds, more leaves and deeper forests, where the winners were
/// at the edge of the small grid. Measured on Friedman #1 (1,600 training rows): LightGBM is 10–20× cheaper than
/// FastTree for the same trees and won (15 leaves, 400 rounds); FastTree's and FastForest's large points cost the
/// most and never won, so large data widens LightGBM's grid, not theirs. Iterative linear trainers have explicit iteration caps so that degenerate data
/// cannot make them run for minutes.
/// Determinism: every trainer gets the run's seed (MLContext seed, and the trainer's own Seed option) and
/// a single thread, because multi-threaded SDCA, L-BFGS and tree training reduce in a varying order.
/// Trees never use categorical splits: one-hot columns are plain 0/1 features, so every split is a
/// numeric x &lt;= threshold that the ONNX TreeEnsemble operators reproduce exactly.
/// </summary>
internal static class TrainerCatalog
{
    private const string Label = FeatureLayout.Label;
    private const string Features = FeatureLayout.Features;

    /// <summary>From this many training rows on, the grids add their larger settings.</summary>
    public const int LargeData = 1000;

    /// <summary>Cap on SDCA passes over the data (ML.NET's automatic choice has no useful bound on degenerate data).</summary>
    public const int SdcaMaxPasses = 1000;

    /// <summary>SDCA's duality-gap tolerance for regression: ML.NET's 0.01 stops short of the least-squares optimum on small data.</summary>
    public const float SdcaTolerance = 1e-3f;

    /// <summary>Cap on L-BFGS iterations (ML.NET's default is unbounded).</summary>
    public const int LbfgsMaxIterations = 1000;

    public static IReadOnlyList<string> Names(MlTask task) => task switch
    {
        MlTask.Regression => ["ridge", "sdca", "fasttree", "fastforest", "lightgbm", "ogd"],
        MlTask.Binary => ["sdca-logistic", "lbfgs-logistic", "fasttree", "fastforest", "lightgbm"],
        MlTask.Multiclass => ["sdca-maxent", "lbfgs-maxent", "lightgbm", "random-forest", "ova-fasttree", "ova-fastforest"],
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>
    /// The trainers searched when the caller names none, for <paramref name="trainRows"/> training rows: the catalogue
    /// less one-versus-all FastTree, which boosts a model per class where LightGBM's softmax boosts them together (it
    /// never won, and cost 116 of 240 fit-seconds on a wine split, 87 s on two folds of a 3-class split), and less
    /// the one-versus-all forest, which the multiclass random forest replaces (on a wine split: 49 fit-seconds for the
    /// two one-versus-all points, 1–7 s for the forest, at load 30). On large multiclass data the forest is left out
    /// too: on 2,400 rows of 3 classes it scored 0.840 cross-validated accuracy against LightGBM's 0.885, and the
    /// run took 37 CPU seconds at load ~60 (26 in the last table without it; the 2× bar against scikit-learn is 33); on digits it won 3 of 5 splits
    /// for a mean 96.9 % against 96.8 % without it. On large binary and regression data FastTree and FastForest are
    /// left out as well: LightGBM boosts the same kind of trees 10–20× cheaper and beat both on every split measured
    /// (categorical, 2,400 rows: CV log-loss 0.512 against FastTree's 0.523 and the forests' 0.544/0.585; Friedman #1:
    /// R² 0.941 against 0.934 and 0.791), while they took 7.5–8.9 of a categorical search's 15–16 fit-seconds and
    /// 10.5–11.7 of Friedman #1's 25–27 (5 splits each, quiet machine). All stay selectable by name.
    /// </summary>
    public static IReadOnlyList<string> DefaultSearch(MlTask task, int trainRows = 0) => Names(task)
        .Where(name => name is not ("ova-fasttree" or "ova-fastforest"))
        .Where(name => trainRows < LargeData || name is not ("random-forest" or "fasttree" or "fastforest"))
        .ToArray();

    /// <summary>The grid of one trainer for <paramref name="trainRows"/> training rows.</summary>
    public static IReadOnlyList<TrainerCandidate> Grid(MlTask task, string trainer, int trainRows = 0)
    {
        var large = trainRows >= LargeData;
        return (task, trainer) switch
        {
            // Exact ridge on the whole α path, each α a stage of one fit.
            (MlTask.Regression, "ridge") => [RidgeCandidate(trainer, Ridge.DefaultAlphas)],
            // Ridge and elastic net: L2 alone, then L1 + L2 (SDCA soft-thresholds the L1 part).
            (MlTask.Regression, "sdca") => Penalties(trainer, ElasticNetPoints, (ml, seed, p) => ml.Regression.Trainers.Sdca(
                new SdcaRegressionTrainer.Options
                {
                    LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = p.L2, L1Regularization = p.L1,
                    NumberOfThreads = 1, MaximumNumberOfIterations = SdcaMaxPasses, ConvergenceTolerance = SdcaTolerance,
                })),
            // Online gradient descent: a larger step with fewer passes, or a smaller one with more (it shuffles with the MLContext seed).
            (MlTask.Regression, "ogd") => [Ogd(0.1f, 50), Ogd(0.02f, 200)],
            (MlTask.Regression, "fasttree") => StagedGrid(trainer, Boosted(large), (ml, seed, p) => ml.Regression.Trainers.FastTree(
                Boosted(new FastTreeRegressionTrainer.Options(), seed, p))),
            (MlTask.Regression, "fastforest") => TreeGrid(trainer, Forests(task), (ml, seed, p) => ml.Regression.Trainers.FastForest(
                Forest(new FastForestRegressionTrainer.Options(), seed, p))),
            (MlTask.Regression, "lightgbm") => StagedGrid(trainer, LightGbmPoints(large), (ml, seed, p) => ml.Regression.Trainers.LightGbm(
                LightGbm(new LightGbmRegressionTrainer.Options(), seed, p))),

            (MlTask.Binary, "sdca-logistic") => Penalties(trainer, L2Points, (ml, seed, p) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                new SdcaLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = p.L2, NumberOfThreads = 1,
                    MaximumNumberOfIterations = SdcaMaxPasses,
                })),
            (MlTask.Binary, "lbfgs-logistic") => Penalties(trainer, LbfgsPoints, (ml, seed, p) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = p.L2, NumberOfThreads = 1,
                    MaximumNumberOfIterations = LbfgsMaxIterations,
                })),
            (MlTask.Binary, "fasttree") => StagedGrid(trainer, Boosted(large), (ml, seed, p) => ml.BinaryClassification.Trainers.FastTree(
                Boosted(new FastTreeBinaryTrainer.Options(), seed, p))),
            // ML.NET's FastForest binary returns raw scores (no Probability column): add a Platt calibrator as the ensemble's own would.
            (MlTask.Binary, "fastforest") => TreeGrid(trainer, Forests(task), (ml, seed, p) => ml.BinaryClassification.Trainers.FastForest(
                    Forest(new FastForestBinaryTrainer.Options(), seed, p))
                .Append(ml.BinaryClassification.Calibrators.Platt(labelColumnName: Label))),
            (MlTask.Binary, "lightgbm") => StagedGrid(trainer, LightGbmPoints(large, task), (ml, seed, p) => ml.BinaryClassification.Trainers.LightGbm(
                LightGbm(new LightGbmBinaryTrainer.Options(), seed, p))),

            (MlTask.Multiclass, "sdca-maxent") => Penalties(trainer, L2Points, (ml, seed, p) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = p.L2, NumberOfThreads = 1,
                    MaximumNumberOfIterations = SdcaMaxPasses,
                })),
            (MlTask.Multiclass, "lbfgs-maxent") => Penalties(trainer, LbfgsPoints, (ml, seed, p) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = Label, FeatureColumnName = Features, L2Regularization = p.L2, NumberOfThreads = 1,
                    MaximumNumberOfIterations = LbfgsMaxIterations,
                })),
            // UseSoftmax must be explicit: below 50,000 rows LightGBM would otherwise pick one-versus-all.
            (MlTask.Multiclass, "lightgbm") => StagedGrid(trainer, LightGbmPoints(large, task), (ml, seed, p) => ml.MulticlassClassification.Trainers.LightGbm(
                LightGbm(new LightGbmMulticlassTrainer.Options { UseSoftmax = true }, seed, p))),
            (MlTask.Multiclass, "ova-fasttree") => TreeGrid(trainer, OvaBoosted(large), (ml, seed, p) => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(Boosted(new FastTreeBinaryTrainer.Options(), seed, p)), labelColumnName: Label)),
            // A multiclass random forest: one forest per class, each Platt-calibrated by one-versus-all, normalised to sum to one.
            (MlTask.Multiclass, "ova-fastforest") => TreeGrid(trainer, OvaForests(large), (ml, seed, p) => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastForest(Forest(new FastForestBinaryTrainer.Options(), seed, p)), labelColumnName: Label)),

            (MlTask.Multiclass, "random-forest") => [RandomForestCandidate(trainer, new RandomForestSettings(ForestTrees))],

            _ => throw new ArgumentException($"Unknown trainer '{trainer}' for {task.ToWireName()}; known: {string.Join(", ", Names(task))}."),
        };
    }

    /// <summary>Tree grid point: leaves, trees (iterations), learning rate (boosting only), minimum examples per leaf.</summary>
    private sealed record TreePoint(int Leaves, int Trees, double LearningRate, int MinPerLeaf);

    /// <summary>A linear model's penalties.</summary>
    private sealed record PenaltyPoint(float L2, float L1 = 0);

    // SDCA's passes grow as the L2 weight shrinks (1e-3 cost ten times 1e-2 on diabetes and never won).
    private static readonly PenaltyPoint[] ElasticNetPoints = [new(1e-2f), new(1e-1f), new(1f), new(1e-2f, 0.01f), new(1e-2f, 0.1f)];
    private static readonly PenaltyPoint[] L2Points = [new(1e-3f), new(1e-1f)];
    private static readonly PenaltyPoint[] LbfgsPoints = [new(0.01f), new(1f)];

    // Boosted grids give the most rounds a setting may use; the search scores every tenth of them from one fit
    // (StagedScores), so the number of rounds is chosen on the validation folds rather than fixed by the grid.
    // FastTree costs 10–20× LightGBM for the same trees: one setting per size.
    private static TreePoint[] Boosted(bool large) => large
        ? [new(16, 300, 0.05, 20)]
        : [new(8, 300, 0.05, 10)];

    // Forests: many deep trees are what make a random forest; min per leaf stays small. They are the search's
    // costliest fits (FastForest 64 × 200 took two thirds of a diabetes run's CPU and lost), and regression
    // forests are quantile forests that keep every leaf's labels: 100 deep trees there, 200 for classifiers.
    private static TreePoint[] Forests(MlTask task) => task == MlTask.Regression
        ? [new(16, 100, 0, 5), new(64, 100, 0, 2)]
        : [new(16, 100, 0, 5), new(64, 200, 0, 2)];

    // Multiclass boosting grows a tree per class and round: fewer, faster rounds there, and three settings (each
    // survives successive halving and costs K trees a round). On 3,000 rows of 3 classes the cross-validated accuracy
    // rose with the leaves (4: 0.846, 15: 0.870, 31: 0.885 at their best rounds) and 31 won every split, the grid's
    // edge: large data goes up to 63 leaves; the log-loss optimum came by 80–120 rounds at rate 0.1.
    private static TreePoint[] LightGbmPoints(bool large, MlTask task = MlTask.Regression) => (large, task) switch
    {
        (true, MlTask.Multiclass) => [new(15, 200, 0.1, 20), new(31, 200, 0.1, 20), new(63, 150, 0.1, 20)],
        // Binary: early stopping picked fewer than 400 rounds on the categorical benchmark at every point, and 800
        // rounds cost that dataset 2.4x scikit-learn's CPU; half the rounds kept its accuracy and brought it to 1.5x.
        (true, MlTask.Binary) => [new(4, 400, 0.1, 10), new(8, 400, 0.05, 20), new(15, 400, 0.05, 20), new(31, 300, 0.05, 20)],
        (true, _) => [new(4, 800, 0.1, 10), new(8, 800, 0.05, 20), new(15, 800, 0.05, 20), new(31, 600, 0.05, 20)],
        _ => [new(4, 300, 0.05, 10), new(8, 300, 0.05, 20), new(16, 400, 0.03, 10)],
    };

    // One-versus-all fits a model per class, so these cost K times a binary fit: on wine they took four fifths of
    // the search and never won. LightGBM's softmax is the multiclass booster (scored in stages); one FastTree point.
    private static TreePoint[] OvaBoosted(bool large) => [new(8, 100, 0.05, 10)];

    // On 2,400 rows of 3 classes the two large forests took two thirds of the search (ML.NET's forests are slow and
    // one-versus-all multiplies them by the class count) and lost to LightGBM: one large point.
    private static TreePoint[] OvaForests(bool large) => large
        ? [new(32, 100, 0, 3)]
        : [new(16, 100, 0, 5), new(32, 100, 0, 2)];

    /// <summary>Trees of the random forest: scikit-learn's benchmark side grows 300.</summary>
    public const int ForestTrees = 300;

    // One point: a random forest's defaults (deep trees, sqrt(features) per split) are what make it; the tree count
    // only lowers the variance of its votes.
    private static TrainerCandidate RandomForestCandidate(string trainer, RandomForestSettings settings) => new(
        trainer,
        new Dictionary<string, string>
        {
            ["trees"] = Text(settings.Trees),
            ["min_per_leaf"] = Text(settings.MinPerLeaf),
            ["max_features"] = "sqrt",
        },
        Create: null,
        Standardize: false,
        Complexity: settings.Trees,
        Forest: settings);

    /// <summary>
    /// One candidate for the whole α path (its stages are the α indexes); each stage is the single-α candidate the
    /// refit uses. A stronger penalty is the simpler model for the one-standard-error rule.
    /// </summary>
    private static TrainerCandidate RidgeCandidate(string trainer, IReadOnlyList<double> alphas) => new(
        trainer,
        new Dictionary<string, string> { ["alphas"] = string.Join(" ", alphas.Select(Text)) },
        Create: null,
        Stages: Enumerable.Range(0, alphas.Count).ToArray(),
        AtStage: i => new TrainerCandidate(trainer, new Dictionary<string, string> { ["alpha"] = Text(alphas[i]) }, Create: null,
            Complexity: -alphas[i], Ridge: new RidgeSettings([alphas[i]])),
        Complexity: -alphas[0],
        Ridge: new RidgeSettings(alphas));

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

    // Trees are scale-invariant: they get the imputed features unstandardised.
    private static TrainerCandidate[] TreeGrid(string trainer, TreePoint[] points, Func<MLContext, int, TreePoint, IEstimator<ITransformer>> create) =>
        points.Select(p => new TrainerCandidate(trainer, TreeParameters(p), (ml, seed) => create(ml, seed, p), Standardize: false,
            Complexity: TreeComplexity(p))).ToArray();

    /// <summary>Boosted trees, scored after every tenth of their rounds.</summary>
    private static TrainerCandidate[] StagedGrid(string trainer, TreePoint[] points, Func<MLContext, int, TreePoint, IEstimator<ITransformer>> create) =>
        points.Select(p => Staged(trainer, p, create)).ToArray();

    private static TrainerCandidate Staged(string trainer, TreePoint p, Func<MLContext, int, TreePoint, IEstimator<ITransformer>> create)
    {
        var stages = Enumerable.Range(1, StagesPerFit).Select(i => p.Trees * i / StagesPerFit).Where(r => r > 0).Distinct().ToArray();
        return new TrainerCandidate(trainer, TreeParameters(p), (ml, seed) => create(ml, seed, p), Standardize: false, Stages: stages,
            AtStage: rounds => new TrainerCandidate(trainer, TreeParameters(p with { Trees = rounds }),
                (ml, seed) => create(ml, seed, p with { Trees = rounds }), Standardize: false, Complexity: TreeComplexity(p with { Trees = rounds })),
            Complexity: TreeComplexity(p));
    }

    private static double TreeComplexity(TreePoint p) => (double)p.Leaves * p.Trees;

    /// <summary>A boosted fit is scored after this many evenly spaced round counts.</summary>
    public const int StagesPerFit = 10;

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

    private static TrainerCandidate[] Penalties(string trainer, PenaltyPoint[] points, Func<MLContext, int, PenaltyPoint, IEstimator<ITransformer>> create) =>
        points.Select(p =>
        {
            var parameters = new Dictionary<string, string> { ["l2"] = Text(p.L2) };
            if (p.L1 > 0) parameters["l1"] = Text(p.L1);
            return new TrainerCandidate(trainer, parameters, (ml, seed) => create(ml, seed, p), Complexity: -(p.L2 + p.L1));
        }).ToArray();

    private static TrainerCandidate Ogd(float learningRate, int iterations) => new(
        "ogd",
        new Dictionary<string, string> { ["learning_rate"] = Text(learningRate), ["iterations"] = Text(iterations) },
        (ml, seed) => ml.Regression.Trainers.OnlineGradientDescent(new OnlineGradientDescentTrainer.Options
        {
            LabelColumnName = Label,
            FeatureColumnName = Features,
            LearningRate = learningRate,
            NumberOfIterations = iterations,
        }),
        Complexity: iterations);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
