using Platform.Contracts;
using Microsoft.Extensions.Time.Testing;
using Platform.Ml.Data;

namespace Platform.Ml.Models.Tests;

/// <summary>Degenerate data, time budgets and cancellation end training with a clear outcome instead of a long run.</summary>
public sealed class BoundedTrainingTests
{
    [Fact]
    public void Nine_rows_with_constant_columns_fail_at_once_as_too_few_rows()
    {
        var data = new Table(
        [
            TableColumn.Numeric("a", Enumerable.Repeat(1.0, 9).ToArray()),
            TableColumn.Numeric("b", Enumerable.Repeat(5.0, 9).ToArray()),
            TableColumn.Numeric("y", Enumerable.Range(0, 9).Select(i => (double)i).ToArray()),
        ]);

        var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Regression)));

        Assert.Equal(TrainingFailure.TooFewRows, error.Reason);
        Assert.Contains("5-fold", error.Message);
    }

    [Fact]
    public void Constant_features_alone_fail_as_no_informative_features()
    {
        var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(Constant(features: true, target: false), new TrainingOptions("y", MlTask.Regression)));
        Assert.Equal(TrainingFailure.NoInformativeFeatures, error.Reason);
    }

    [Fact]
    public void A_constant_target_fails_as_constant_target()
    {
        var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(Constant(features: false, target: true), new TrainingOptions("y", MlTask.Regression)));
        Assert.Equal(TrainingFailure.ConstantTarget, error.Reason);
    }

    [Fact]
    public void A_single_class_fails_as_single_class()
    {
        var data = new Table(
        [
            TableColumn.Numeric("x", Enumerable.Range(0, 40).Select(i => (double)i).ToArray()),
            TableColumn.Categorical("y", Enumerable.Repeat<string?>("only", 40).ToArray()),
        ]);

        foreach (var task in new[] { MlTask.Binary, MlTask.Multiclass })
        {
            var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(data, new TrainingOptions("y", task)));
            Assert.Equal(TrainingFailure.SingleClass, error.Reason);
        }
    }

    [Fact]
    public void A_class_with_one_row_fails_as_single_class_naming_it()
    {
        var labels = Enumerable.Range(0, 40).Select(i => (string?)(i == 0 ? "rare" : i % 2 == 0 ? "a" : "b")).ToArray();
        var data = new Table([TableColumn.Numeric("x", Enumerable.Range(0, 40).Select(i => (double)i).ToArray()), TableColumn.Categorical("y", labels)]);

        var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Multiclass)));

        Assert.Equal(TrainingFailure.SingleClass, error.Reason);
        Assert.Contains("'rare'", error.Message);
    }

    [Fact]
    public void A_constant_column_beside_informative_ones_trains_and_exports()
    {
        var mixed = Datasets.Mixed(MlTask.Regression);
        var data = new Table([.. mixed.Columns, TableColumn.Numeric("constant", Enumerable.Repeat(3.0, mixed.RowCount).ToArray())]);

        var result = ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Regression, Folds: 2, Trainers: ["sdca", "fasttree"]));

        Assert.Contains(result.Signature.Inputs, i => i.Name == "constant");
        Assert.True(result.HoldoutMetrics["r2"] > 0.8, $"R² {result.HoldoutMetrics["r2"]}");
    }

    [Fact]
    public void A_budget_too_short_for_any_candidate_fails_as_time_budget_exhausted()
    {
        var options = new TrainingOptions("target", MlTask.Regression, Trainers: ["fastforest"], TimeBudget: TimeSpan.FromMilliseconds(1));
        var error = Assert.Throws<TrainingException>(() => ModelTrainer.Train(Datasets.Diabetes, options));
        Assert.Equal(TrainingFailure.TimeBudgetExhausted, error.Reason);
    }

    [Fact]
    public void When_the_budget_runs_out_the_best_finished_candidate_wins()
    {
        // The fake clock jumps past the budget when the third candidate's first fold is done: two candidates finished,
        // the third is abandoned and the remaining four (five sdca and two fastforest settings in all) never start.
        var clock = new FakeTimeProvider();
        var folds = 0;
        var progress = new Callback(p =>
        {
            if (p.Stage == "cross-validation" && ++folds == 2 * 5 + 1) clock.Advance(TimeSpan.FromMinutes(2));
        });
        var options = new TrainingOptions("target", MlTask.Regression, Trainers: ["sdca", "fastforest"], TimeBudget: TimeSpan.FromMinutes(1));

        var result = ModelTrainer.Train(Datasets.Diabetes, options, progress, clock, CancellationToken.None);

        Assert.Equal(2, result.CrossValidation.Count);
        Assert.Equal(5, result.SkippedCandidates);
        Assert.Equal(["fastforest", "sdca"], result.CrossValidation.Select(c => c.Trainer).Order());
        Assert.Equal(result.CrossValidation[0].Trainer, result.Trainer);
        Assert.NotEmpty(result.OnnxModel);
    }

    [Fact]
    public void Cancelling_during_a_fit_stops_training_with_operation_canceled()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelOnFirstReport(cancellation);
        Assert.ThrowsAny<OperationCanceledException>(() => ModelTrainer.Train(Datasets.Diabetes,
            new TrainingOptions("target", MlTask.Regression, Trainers: ["fastforest"]), progress, cancellation.Token));
        Assert.Equal(1, progress.Reports);
    }

    [Theory]
    [InlineData("fastforest")]
    [InlineData("fasttree")]
    [InlineData("lightgbm")]
    public void Cancelling_stops_a_single_long_fit_inside_MlNet(string trainer)
    {
        // The largest grid point on 20,000 rows, boosted ten times as long: without cancellation inside the trainer this
        // fit would return a model. (LightGBM's own 600 rounds took 1.3 s here but finished inside the 300 ms on CI.)
        var random = new Random(3);
        const int n = 20_000;
        var columns = Enumerable.Range(0, 10).Select(f => TableColumn.Numeric($"x{f}", Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray())).ToList();
        columns.Add(TableColumn.Numeric("y", Enumerable.Range(0, n).Select(i => columns[0].Numbers![i] * 3 + random.NextDouble()).ToArray()));
        var data = new Table(columns);
        var candidate = Platform.Ml.Models.Training.TrainerCatalog.Grid(MlTask.Regression, trainer, n)[^1];
        if (candidate.AtStage is { } atRounds) candidate = atRounds(10 * candidate.Stages![^1]); // the last stage is the full round count
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.ThrowsAny<OperationCanceledException>(() => Platform.Ml.Models.Training.MlNetPipeline.Fit(data, "y", MlTask.Regression,
            Platform.Ml.Models.Training.FeatureLayout.From(data, "y"), null, candidate, seed: 1, cancellation.Token));
    }

    private static Table Constant(bool features, bool target)
    {
        const int n = 40;
        return new Table(
        [
            TableColumn.Numeric("a", Enumerable.Range(0, n).Select(i => features ? 2.0 : i).ToArray()),
            TableColumn.Categorical("c", Enumerable.Range(0, n).Select(i => (string?)(features ? "same" : i % 3 == 0 ? "x" : "y")).ToArray()),
            TableColumn.Numeric("y", Enumerable.Range(0, n).Select(i => target ? 7.0 : i * 0.5).ToArray()),
        ]);
    }

    private sealed class Callback(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>Cancels the run when the first fold reports, so the next fit starts and is stopped inside ML.NET.</summary>
    private sealed class CancelOnFirstReport(CancellationTokenSource source) : IProgress<TrainingProgress>
    {
        public int Reports { get; private set; }

        public void Report(TrainingProgress value)
        {
            Reports++;
            source.Cancel();
        }
    }
}
