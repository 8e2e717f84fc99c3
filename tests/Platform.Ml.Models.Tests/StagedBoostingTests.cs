using Platform.Ml.Data;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

/// <summary>One boosted fit scored after several round counts stands for the fits boosted for exactly those counts.</summary>
public sealed class StagedBoostingTests
{
    [Theory]
    [InlineData("diabetes", MlTask.Regression, "lightgbm")]
    [InlineData("diabetes", MlTask.Regression, "fasttree")]
    [InlineData("breast_cancer", MlTask.Binary, "lightgbm")]
    [InlineData("iris", MlTask.Multiclass, "lightgbm")]
    public void A_stage_of_a_long_fit_scores_as_the_fit_boosted_for_that_many_rounds(string dataset, MlTask task, string trainer)
    {
        var (data, target) = Datasets.For(dataset);
        var (trainRows, testRows) = TrainTestSplit.Split(data.RowCount, 0.2, 42);
        var train = data.SelectRows(trainRows);
        var holdout = data.SelectRows(testRows);
        var classes = task == MlTask.Regression ? null : TargetLabels.Classes(data[target], task);
        var layout = FeatureLayout.From(data, target);
        var candidate = TrainerCatalog.Grid(task, trainer)[0];
        var stages = candidate.Stages!;
        Assert.True(stages.Count > 1);

        var full = MlNetPipeline.Fit(train, target, task, layout, classes, candidate, seed: 42);
        var staged = StagedScores.Score(full, holdout, stages);
        var middle = stages[stages.Count / 2];
        var shorter = MlNetPipeline.Fit(train, target, task, layout, classes, candidate.AtStage!(middle), seed: 42).Score(holdout);

        // The last stage is the fitted model itself, a middle one the model boosted for that many rounds.
        AssertSame(full.Score(holdout), staged[^1]);
        AssertSame(shorter, staged[stages.Count / 2]);
        Assert.Equal(middle.ToString(System.Globalization.CultureInfo.InvariantCulture), candidate.AtStage(middle).Parameters["trees"]);
    }

    [Fact]
    public void The_search_records_each_round_count_and_refits_the_best_one()
    {
        // Without the one-standard-error rule, which on small data would refit a simpler round count than the best.
        var result = ModelTrainer.Train(Datasets.Diabetes, new TrainingOptions("target", MlTask.Regression, Folds: 3, Trainers: ["lightgbm"],
            OneStandardErrorRule: false));

        var grid = TrainerCatalog.Grid(MlTask.Regression, "lightgbm", result.TrainRows);
        Assert.Equal(grid.Sum(c => c.Stages!.Count), result.CrossValidation.Count);
        Assert.Equal(result.CrossValidation[0].Parameters, result.Parameters);
        Assert.Equal(result.CrossValidation.Max(c => c.Mean), result.CrossValidation[0].Mean);
        Assert.True(result.CrossValidation.Select(c => c.Parameters["trees"]).Distinct().Count() >= TrainerCatalog.StagesPerFit);
    }

    private static void AssertSame(ScoreResult expected, ScoreResult actual)
    {
        if (expected.Values is { } values)
        {
            for (var i = 0; i < values.Length; i++) Assert.Equal(values[i], actual.Values![i], 1e-4 * Math.Max(1, Math.Abs(values[i])));
            return;
        }

        Assert.Equal(expected.Labels, actual.Labels);
        for (var i = 0; i < expected.Probabilities!.Length; i++)
            for (var k = 0; k < expected.Probabilities[i].Length; k++)
                Assert.Equal(expected.Probabilities[i][k], actual.Probabilities![i][k], 1e-4);
    }
}
