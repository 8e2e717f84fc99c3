using System.Globalization;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Tests;

/// <summary>Which candidate the search hands to the refit: the one-standard-error rule on small data, and the default search.</summary>
public sealed class SelectionRuleTests
{
    [Fact]
    public void Small_data_takes_the_simplest_setting_of_the_best_trainer_within_one_standard_error()
    {
        var (data, target) = Datasets.For("diabetes");
        var options = new TrainingOptions(target, MlTask.Regression, Trainers: ["lightgbm"]);

        var ruled = ModelTrainer.Train(data, options);
        var bestScoring = ModelTrainer.Train(data, options with { OneStandardErrorRule = false });

        // R²: higher is better, so the band is [best - one standard error, best].
        var best = ruled.CrossValidation[0];
        var band = best.SelectionMean - best.SelectionStdError;
        var chosen = ruled.CrossValidation.Single(c => SameSetting(c.Parameters, ruled.Parameters));
        Assert.True(best.SelectionStdError > 0);
        Assert.True(chosen.SelectionMean >= band, $"chosen {chosen.SelectionMean:F4} outside {best.SelectionMean:F4} - {best.SelectionStdError:F4}");
        Assert.All(ruled.CrossValidation.Where(c => Complexity(c) < Complexity(chosen)), simpler => Assert.True(simpler.SelectionMean < band));
        // Fold noise on 353 rows makes the rule matter: fewer leaves × rounds than the best-scoring setting, which the
        // rule-less search keeps.
        Assert.True(Complexity(chosen) < Complexity(best), $"chosen {Complexity(chosen)}, best {Complexity(best)}");
        Assert.True(SameSetting(bestScoring.Parameters, best.Parameters));
        Assert.True(ruled.HoldoutMetrics["r2"] >= 0.40, $"R² {ruled.HoldoutMetrics["r2"]:F4}");
    }

    [Fact]
    public void Large_data_takes_the_best_scoring_candidate()
    {
        var random = new Random(7);
        const int n = 1300;
        var x = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 3 * x[0][i] - x[1][i] + 0.2 * random.NextDouble()).ToArray();
        var data = new Table([TableColumn.Numeric("a", x[0]), TableColumn.Numeric("b", x[1]), TableColumn.Numeric("y", y)]);

        var result = ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Regression, Trainers: ["sdca"]));

        Assert.True(SameSetting(result.CrossValidation[0].Parameters, result.Parameters));
    }

    [Fact]
    public void The_default_search_leaves_out_one_versus_all_boosting_and_on_large_data_every_tree_trainer_but_LightGBM()
    {
        Assert.Equal(["sdca-maxent", "lbfgs-maxent", "lightgbm", "random-forest"], ModelTrainer.DefaultTrainers(MlTask.Multiclass, 500));
        Assert.Equal(["sdca-maxent", "lbfgs-maxent", "lightgbm"], ModelTrainer.DefaultTrainers(MlTask.Multiclass, 5000));
        Assert.Equal(ModelTrainer.TrainerNames(MlTask.Regression), ModelTrainer.DefaultTrainers(MlTask.Regression, 999));
        Assert.Equal(["ridge", "sdca", "lightgbm", "ogd"], ModelTrainer.DefaultTrainers(MlTask.Regression, 1000));
        Assert.Equal(ModelTrainer.TrainerNames(MlTask.Binary), ModelTrainer.DefaultTrainers(MlTask.Binary, 999));
        Assert.Equal(["sdca-logistic", "lbfgs-logistic", "lightgbm"], ModelTrainer.DefaultTrainers(MlTask.Binary, 1000));
        Assert.Contains("ova-fasttree", ModelTrainer.TrainerNames(MlTask.Multiclass));

        var (data, target) = Datasets.For("iris");
        var result = ModelTrainer.Train(data, new TrainingOptions(target, MlTask.Multiclass, Trainers: ["ova-fasttree"]));
        Assert.Equal(["ova-fasttree"], result.SearchedTrainers);
        Assert.Equal("ova-fasttree", result.Trainer);
    }

    private static bool SameSetting(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && value == p.Value);

    private static double Complexity(CandidateResult c) =>
        double.Parse(c.Parameters["leaves"], CultureInfo.InvariantCulture) * double.Parse(c.Parameters["trees"], CultureInfo.InvariantCulture);
}
