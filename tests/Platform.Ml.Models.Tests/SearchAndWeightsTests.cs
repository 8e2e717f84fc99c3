using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;

namespace Platform.Ml.Models.Tests;

/// <summary>Standardisation per trainer family, stratified holdouts, coefficients and split shares.</summary>
public sealed class SearchAndWeightsTests
{
    [Fact]
    public void Linear_models_standardise_with_centred_offsets_and_trees_see_raw_values()
    {
        var (linear, _, _) = ModelFactory.FitAndExport("diabetes", MlTask.Regression, "sdca");
        var linearExport = PipelineReader.Read(linear, Datasets.Diabetes, "target");
        // diabetes' features are centred already (means ~1e-16), bmi spans ±0.1: offsets must be the training means.
        var (train, _) = TrainTestSplit.Split(Datasets.Diabetes.RowCount, 0.2, 42);
        var bmi = train.Select(row => Datasets.Diabetes["bmi"].Numbers![row]).Average();
        var index = linearExport.NumericInputs.ToList().IndexOf("bmi");
        Assert.Equal(bmi, linearExport.Offset[index], 5);
        Assert.Equal(linearExport.Scale.Length, linearExport.Offset.Length);

        var (tree, _, _) = ModelFactory.FitAndExport("diabetes", MlTask.Regression, "fasttree");
        Assert.Empty(PipelineReader.Read(tree, Datasets.Diabetes, "target").Scale);
    }

    [Fact]
    public void Classifier_holdouts_keep_each_class_share()
    {
        var result = ModelTrainer.Train(Datasets.Iris, new TrainingOptions("species", MlTask.Multiclass, Folds: 3, Trainers: ["lbfgs-maxent"]));

        var perClass = result.Holdout["species"].Texts!.GroupBy(s => s).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["setosa"] = 10, ["versicolor"] = 10, ["virginica"] = 10 }, perClass);
        Assert.Equal(3, result.Folds);
    }

    [Fact]
    public void Linear_models_report_a_coefficient_per_feature_and_class()
    {
        var result = ModelTrainer.Train(Datasets.Iris, new TrainingOptions("species", MlTask.Multiclass, Folds: 3, Trainers: ["lbfgs-maxent"]));

        Assert.Equal("coefficient", result.FeatureWeightKind);
        Assert.Equal(4 * 3, result.FeatureWeights.Count);
        Assert.Equal(result.Signature.ClassLabels!.Order(), result.FeatureWeights.Select(w => w.Class!).Distinct().Order());
        // Petal measurements separate the species: the largest coefficient is on one of them.
        Assert.StartsWith("petal", result.FeatureWeights[0].Feature);
    }

    [Fact]
    public void Trees_report_split_shares_that_sum_to_one_with_one_hot_slots_named()
    {
        var result = ModelTrainer.Train(Datasets.Mixed(MlTask.Regression), new TrainingOptions("y", MlTask.Regression, Folds: 2, Trainers: ["fasttree"]));

        Assert.Equal("split_share", result.FeatureWeightKind);
        Assert.Equal(1.0, result.FeatureWeights.Sum(w => w.Value), 9);
        Assert.Contains(result.FeatureWeights, w => w.Feature == "colour=red");
        Assert.Equal("x1", result.FeatureWeights[0].Feature);
    }

    [Fact]
    public void Large_data_is_searched_by_successive_halving_and_every_candidate_is_recorded()
    {
        var random = new Random(5);
        const int n = 1400;
        var x = Enumerable.Range(0, 3).Select(f => Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 2 * x[0][i] - x[1][i] + 0.1 * random.NextDouble()).ToArray();
        var data = new Table([TableColumn.Numeric("a", x[0]), TableColumn.Numeric("b", x[1]), TableColumn.Numeric("c", x[2]), TableColumn.Numeric("y", y)]);

        var result = ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Regression, Trainers: ["sdca", "ogd"]));

        // 7 candidates on 2 folds; the best third (3) go on to all 5; the winner is one of those.
        Assert.Equal(7, result.CrossValidation.Count);
        Assert.Equal(3, result.CrossValidation.Count(c => c.FoldScores.Count == 5));
        Assert.Equal(4, result.CrossValidation.Count(c => c.FoldScores.Count == 2));
        Assert.Equal(5, result.CrossValidation[0].FoldScores.Count);
        Assert.Equal(0, result.SkippedCandidates);
    }

    [Fact]
    public void Larger_data_widens_the_grids()
    {
        var small = Platform.Ml.Models.Training.TrainerCatalog.Grid(MlTask.Regression, "lightgbm", 300);
        var large = Platform.Ml.Models.Training.TrainerCatalog.Grid(MlTask.Regression, "lightgbm", 5000);
        Assert.True(large.Count > small.Count);
        Assert.True(large.Max(c => int.Parse(c.Parameters["trees"])) > small.Max(c => int.Parse(c.Parameters["trees"])));
    }
}
