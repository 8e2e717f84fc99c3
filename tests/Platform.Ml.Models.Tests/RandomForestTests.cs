using Platform.Ml.Data;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

/// <summary>
/// The multiclass random forest (our own code): it learns, it is a function of the data and the seed alone, it stops
/// on cancellation, and what it records (ONNX, ML.NET zip, feature weights) describes the forest that was grown.
/// </summary>
public sealed class RandomForestTests
{
    private static readonly TrainingOptions IrisForest = new("species", MlTask.Multiclass, Trainers: ["random-forest"]);

    [Fact]
    public void Deep_trees_learn_a_pattern_no_single_split_can_and_votes_are_probabilities()
    {
        // Two classes on a checkerboard of a 4 × 4 grid: no split (nor a linear model) does better than ~55 %.
        var (x, y) = Checkerboard(rows: 400, seed: 3);
        var forest = RandomForest.Fit(x, 400, 2, y, 2, new RandomForestSettings(Trees: 50), seed: 1, CancellationToken.None);
        var (fresh, freshY) = Checkerboard(rows: 1000, seed: 4);

        Assert.Equal(50, forest.Trees.Count);
        Assert.True(Accuracy(forest, x, y) >= 0.98, $"training accuracy {Accuracy(forest, x, y)}");
        Assert.True(Accuracy(forest, fresh, freshY) >= 0.9, $"accuracy on new points {Accuracy(forest, fresh, freshY)}");
        for (var row = 0; row < 1000; row++)
        {
            var p = forest.Probabilities(fresh.AsSpan(row * 2, 2));
            Assert.Equal(1.0, p[0] + p[1], 5);
        }
    }

    private static double Accuracy(RandomForestModel forest, float[] x, int[] y) =>
        Enumerable.Range(0, y.Length).Count(row =>
        {
            var p = forest.Probabilities(x.AsSpan(row * 2, 2));
            return (p[1] > p[0] ? 1 : 0) == y[row];
        }) / (double)y.Length;

    [Fact]
    public void The_forest_depends_on_the_data_and_the_seed_only()
    {
        var (x, y) = Checkerboard(rows: 300, seed: 5);
        RandomForestModel Grow(int seed) => RandomForest.Fit(x, 300, 2, y, 2, new RandomForestSettings(Trees: 20), seed, CancellationToken.None);
        var first = Grow(1);
        var again = Grow(1);
        var other = Grow(2);

        Assert.Equal(first.Trees.SelectMany(t => t.Threshold), again.Trees.SelectMany(t => t.Threshold));
        Assert.Equal(first.Trees.SelectMany(t => t.LeafVotes), again.Trees.SelectMany(t => t.LeafVotes));
        Assert.NotEqual(first.Trees.SelectMany(t => t.Threshold), other.Trees.SelectMany(t => t.Threshold));
    }

    [Fact]
    public void Same_data_and_seed_give_the_same_onnx_bytes()
    {
        var first = ModelTrainer.Train(Datasets.Iris, IrisForest);
        var second = ModelTrainer.Train(Datasets.Iris, IrisForest);
        var otherSeed = ModelTrainer.Train(Datasets.Iris, IrisForest with { Seed = 7 });

        Assert.Equal("random-forest", first.Trainer);
        Assert.Equal(first.OnnxModel, second.OnnxModel);
        Assert.Equal(first.CrossValidation.Select(c => c.FoldScores), second.CrossValidation.Select(c => c.FoldScores));
        Assert.NotEqual(first.OnnxModel, otherSeed.OnnxModel);
    }

    [Fact]
    public void Iris_forest_reaches_the_quality_bar_and_reports_split_shares()
    {
        var result = ModelTrainer.Train(Datasets.Iris, IrisForest);

        Assert.True(result.HoldoutMetrics["macro_accuracy"] >= 0.93, $"macro accuracy {result.HoldoutMetrics["macro_accuracy"]}");
        Assert.Equal("300", result.Parameters["trees"]);
        Assert.Equal("split_share", result.FeatureWeightKind);
        Assert.Equal(4, result.FeatureWeights.Count);
        Assert.Equal(1.0, result.FeatureWeights.Sum(w => w.Value), 9);
        // Petal measurements separate the species: the forest splits on them most.
        Assert.StartsWith("petal", result.FeatureWeights[0].Feature);
    }

    [Fact]
    public void The_MlNet_artifact_holds_the_featurisation_and_the_forest_beside_it()
    {
        var data = Datasets.Mixed(MlTask.Multiclass);
        var result = ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Multiclass, Folds: 2, Trainers: ["random-forest"]));

        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(result.MlNetModel)))
        {
            var entry = zip.GetEntry(FittedPipeline.ForestEntry);
            Assert.NotNull(entry);
            using var json = System.Text.Json.JsonDocument.Parse(entry.Open());
            Assert.Equal(TrainerCatalog.ForestTrees, json.RootElement.GetProperty("trees").GetArrayLength());
            Assert.Equal(result.Signature.ClassLabels, json.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        }

        // ML.NET still loads it: the featurisation yields the forest's input vector (numeric columns, one-hot slots).
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var model = ml.Model.Load(new MemoryStream(result.MlNetModel), out var inputSchema);
        Assert.DoesNotContain(inputSchema, c => c.Name == "y");
        var (features, width) = MlNetPipeline.FeatureMatrix(model, new TableDataView(result.Holdout, FeatureLayout.From(result.Holdout, "y"), label: null));
        Assert.Equal(result.HoldoutRows * width, features.Length);
        Assert.Equal(result.FeatureWeights.Count, width);
    }

    [Fact]
    public void Cancellation_stops_the_forest_between_trees()
    {
        var (x, y) = Checkerboard(rows: 200, seed: 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            RandomForest.Fit(x, 200, 2, y, 2, new RandomForestSettings(Trees: 10), seed: 1, cancelled.Token));

        // Mid-fit: a forest far too large to finish is stopped by a token that fires while it grows.
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.Throws<OperationCanceledException>(() =>
            RandomForest.Fit(x, 200, 2, y, 2, new RandomForestSettings(Trees: 10_000_000), seed: 1, soon.Token));
    }

    [Fact]
    public void Cancelling_stops_a_forest_fit_inside_the_pipeline()
    {
        // 300 deep trees on 20,000 rows: without the forest checking the token (the time budget's too) this would return.
        var random = new Random(3);
        const int n = 20_000;
        var columns = Enumerable.Range(0, 10).Select(f => TableColumn.Numeric($"x{f}", Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray())).ToList();
        columns.Add(TableColumn.Categorical("y", Enumerable.Range(0, n).Select(i => (string?)(columns[0].Numbers![i] + random.NextDouble() * 0.5 > 0.8 ? "a" : i % 2 == 0 ? "b" : "c")).ToArray()));
        var data = new Table(columns);
        var classes = TargetLabels.Classes(data["y"], MlTask.Multiclass);
        var candidate = TrainerCatalog.Grid(MlTask.Multiclass, "random-forest", n)[0];
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.ThrowsAny<OperationCanceledException>(() => MlNetPipeline.Fit(data, "y", MlTask.Multiclass, FeatureLayout.From(data, "y"), classes,
            candidate, seed: 1, cancellation.Token));
    }

    /// <summary>Points in [0, 4)² labelled by the parity of their grid cell.</summary>
    private static (float[] X, int[] Y) Checkerboard(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 2];
        var y = new int[rows];
        for (var row = 0; row < rows; row++)
        {
            x[row * 2] = (float)(random.NextDouble() * 4);
            x[row * 2 + 1] = (float)(random.NextDouble() * 4);
            y[row] = ((int)x[row * 2] + (int)x[row * 2 + 1]) % 2;
        }

        return (x, y);
    }
}
