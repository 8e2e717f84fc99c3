namespace Platform.Ml.Models.Tests;

/// <summary>
/// Repeated k-fold on small data: the repeats' count follows the data size unless set, the first repeat is the plain
/// k-fold split, every candidate is scored on every repeat's folds, and the result records how many there were. The
/// ensemble over repeated folds is checked in <see cref="EnsembleTests"/> (wine, 3 repeats).
/// </summary>
public sealed class RepeatedCrossValidationTests
{
    [Theory]
    [InlineData(120, 3)] // iris's training split
    [InlineData(142, 3)] // wine's
    [InlineData(240, 2)]
    [InlineData(267, 1)]
    [InlineData(353, 1)] // diabetes's
    [InlineData(399, 1)]
    [InlineData(5000, 1)]
    [InlineData(10, 3)]
    public void Repeats_by_data_size_bring_the_out_of_fold_predictions_near_400_and_at_most_triple(int trainRows, int expected) =>
        Assert.Equal(expected, ModelTrainer.RepeatsFor(trainRows));

    [Fact]
    public void Every_candidate_is_scored_on_each_repeats_folds_and_the_first_repeat_is_plain_k_fold()
    {
        var options = new TrainingOptions("species", MlTask.Multiclass, Folds: 3, Trainers: ["sdca-maxent", "lbfgs-maxent"]);
        var once = ModelTrainer.Train(Datasets.Iris, options with { Repeats = 1 });
        var twice = ModelTrainer.Train(Datasets.Iris, options with { Repeats = 2 });

        Assert.Equal((3, 1), (once.Folds, once.Repeats));
        Assert.Equal((3, 2), (twice.Folds, twice.Repeats));
        foreach (var candidate in twice.CrossValidation.Where(c => c.Trainer != ModelTrainer.EnsembleTrainer))
        {
            Assert.Equal(6, candidate.FoldScores.Count);
            var single = once.CrossValidation.Single(c => c.Trainer == candidate.Trainer && c.Parameters.SequenceEqual(candidate.Parameters));
            Assert.Equal(single.FoldScores, candidate.FoldScores.Take(3));
            // The second repeat shuffles anew: its folds score differently.
            Assert.NotEqual(candidate.FoldScores.Take(3), candidate.FoldScores.Skip(3));
        }
    }

    [Fact]
    public void Small_data_repeats_by_default_and_a_repeat_count_below_one_is_refused()
    {
        var options = new TrainingOptions("cultivar", MlTask.Multiclass, Trainers: ["sdca-maxent"]);
        var result = ModelTrainer.Train(Datasets.Wine, options);

        Assert.Equal(3, result.Repeats);
        Assert.All(result.CrossValidation, c => Assert.Equal(15, c.FoldScores.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelTrainer.Train(Datasets.Wine, options with { Repeats = 0 }));
    }
}
