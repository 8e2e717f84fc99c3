using Xunit.Abstractions;

namespace Platform.Ml.Models.Tests;

/// <summary>Model selection over every trainer and grid point of each task, on the shared datasets.</summary>
public sealed class FullSelectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("diabetes", MlTask.Regression, "r2", 0.45)]
    [InlineData("iris", MlTask.Multiclass, "micro_accuracy", 0.93)]
    [InlineData("breast_cancer", MlTask.Binary, "accuracy", 0.95)]
    public void Selection_over_every_trainer_meets_the_quality_bar(string dataset, MlTask task, string metric, double minimum)
    {
        var (data, target) = Datasets.For(dataset);
        var result = ModelTrainer.Train(data, new TrainingOptions(target, task));

        output.WriteLine($"{dataset}: {result.Trainer} {string.Join(" ", result.Parameters.Select(p => $"{p.Key}={p.Value}"))} in {result.Duration.TotalSeconds:F1} s");
        foreach (var (name, value) in result.HoldoutMetrics) output.WriteLine($"  holdout {name} = {value:F4}");
        foreach (var c in result.CrossValidation) output.WriteLine($"  cv {c.Trainer} {string.Join(" ", c.Parameters.Select(p => $"{p.Key}={p.Value}"))}: {c.Mean:F4} ± {c.StdDev:F4}");

        Assert.Equal(ModelTrainer.DefaultTrainers(task).Count, result.CrossValidation.Select(c => c.Trainer).Distinct().Count());
        Assert.True(result.HoldoutMetrics[metric] >= minimum, $"{metric} {result.HoldoutMetrics[metric]:F4} with {result.Trainer}");
    }
}
