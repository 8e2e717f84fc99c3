using System.Text.Json;
using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

/// <summary>
/// Ridge regression (our own code): each α's solution is the optimum of the penalised loss, one fit's α path stands
/// for the fits at each α, runs are reproducible, and categorical columns enter as one-hot slots. ONNX parity is in
/// <see cref="OnnxParityTests"/> with every other trainer.
/// </summary>
public sealed class RidgeTests
{
    private static readonly TrainingOptions DiabetesRidge = new("target", MlTask.Regression, Trainers: ["ridge"]);

    [Fact]
    public void Every_alpha_solves_the_penalised_least_squares_problem()
    {
        // Correlated features on different scales and a non-zero mean, so the intercept and the penalty both matter.
        var random = new Random(11);
        const int rows = 200, features = 4;
        var x = new float[rows * features];
        var y = new double[rows];
        for (var row = 0; row < rows; row++)
        {
            var a = random.NextDouble();
            x[row * features] = (float)(a * 10 + 5);
            x[row * features + 1] = (float)(a + random.NextDouble() * 0.1);
            x[row * features + 2] = (float)(random.NextDouble() * 0.01);
            x[row * features + 3] = random.Next(2);
            y[row] = 3 * a + 20 * x[row * features + 2] - x[row * features + 3] + 7 + random.NextDouble();
        }

        var models = Ridge.Fit(x, rows, features, y, Ridge.DefaultAlphas, CancellationToken.None);

        Assert.Equal(Ridge.DefaultAlphas, models.Select(m => m.Alpha));
        foreach (var model in models)
        {
            // ∂/∂w of Σ r² + α‖w‖² is −2 Xᵀr + 2αw; ∂/∂b is −2 Σ r. Both vanish at the optimum (up to rounding).
            var residuals = Enumerable.Range(0, rows).Select(row => y[row] - model.Predict(x.AsSpan(row * features, features))).ToArray();
            Assert.True(Math.Abs(residuals.Sum()) <= 1e-8 * rows, $"α {model.Alpha}: Σ r = {residuals.Sum()}");
            for (var f = 0; f < features; f++)
            {
                var gradient = 2 * model.Alpha * model.Weights[f];
                var scale = 2 * model.Alpha * Math.Abs(model.Weights[f]);
                for (var row = 0; row < rows; row++)
                {
                    gradient -= 2 * x[row * features + f] * residuals[row];
                    scale += 2 * Math.Abs(x[row * features + f] * residuals[row]);
                }

                Assert.True(Math.Abs(gradient) <= 1e-9 * Math.Max(1, scale), $"α {model.Alpha}, feature {f}: gradient {gradient} (scale {scale})");
            }
        }

        // The penalty shrinks: the weights' norm falls as α grows.
        var norms = models.Select(m => m.Weights.Sum(w => w * w)).ToArray();
        for (var i = 1; i < norms.Length; i++) Assert.True(norms[i] < norms[i - 1], $"‖w‖² at α {models[i].Alpha}: {norms[i]} ≥ {norms[i - 1]}");
    }

    [Fact]
    public void A_stage_of_the_alpha_path_scores_as_the_fit_at_that_alpha_alone()
    {
        var (train, holdout, layout) = DiabetesSplit();
        var candidate = TrainerCatalog.Grid(MlTask.Regression, "ridge")[0];
        var stages = candidate.Stages!;
        Assert.Equal(Ridge.DefaultAlphas.Count, stages.Count);

        var path = MlNetPipeline.Fit(train, "target", MlTask.Regression, layout, null, candidate, seed: 42);
        var staged = StagedScores.Score(path, holdout, stages);
        foreach (var stage in new[] { 0, 6, 12 })
        {
            var single = candidate.AtStage!(stages[stage]);
            var alone = MlNetPipeline.Fit(train, "target", MlTask.Regression, layout, null, single, seed: 42).Score(holdout);
            Assert.Equal(alone.Values, staged[stage].Values);
            Assert.Equal(Ridge.DefaultAlphas[stage].ToString("R", System.Globalization.CultureInfo.InvariantCulture), single.Parameters["alpha"]);
        }

        // α really acts: the weakest and the strongest penalty predict differently.
        Assert.NotEqual(staged[0].Values, staged[^1].Values);
    }

    [Fact]
    public void Same_data_and_seed_give_the_same_bytes()
    {
        var first = ModelTrainer.Train(Datasets.Diabetes, DiabetesRidge);
        var second = ModelTrainer.Train(Datasets.Diabetes, DiabetesRidge);

        Assert.Equal("ridge", first.Trainer);
        Assert.Equal(first.OnnxModel, second.OnnxModel);
        Assert.Equal(RidgeEntry(first), RidgeEntry(second));
        Assert.Equal(first.CrossValidation.Select(c => c.FoldScores), second.CrossValidation.Select(c => c.FoldScores));
    }

    [Fact]
    public void The_search_scores_every_alpha_and_reports_the_coefficients_it_exports()
    {
        var result = ModelTrainer.Train(Datasets.Diabetes, DiabetesRidge);

        Assert.Equal(Ridge.DefaultAlphas.Count, result.CrossValidation.Count);
        Assert.Equal(Ridge.DefaultAlphas.Select(a => a.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Order(),
            result.CrossValidation.Select(c => c.Parameters["alpha"]).Order());
        Assert.True(result.HoldoutMetrics["r2"] >= 0.45, $"holdout R² {result.HoldoutMetrics["r2"]:F4}");

        // The coefficients in the result are the ones in model.zip (on the standardised features), named by column.
        Assert.Equal("coefficient", result.FeatureWeightKind);
        using var entry = JsonDocument.Parse(RidgeEntry(result));
        var weights = entry.RootElement.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToArray();
        Assert.Equal(double.Parse(result.Parameters["alpha"], System.Globalization.CultureInfo.InvariantCulture), entry.RootElement.GetProperty("alpha").GetDouble());
        var names = Datasets.Diabetes.Columns.Select(c => c.Name).Where(n => n != "target").ToArray();
        Assert.Equal(names.Length, weights.Length);
        foreach (var weight in result.FeatureWeights)
            Assert.Equal((float)weights[Array.IndexOf(names, weight.Feature)], weight.Value, 6);
    }

    [Fact]
    public void Categorical_columns_enter_as_one_hot_slots_and_unseen_categories_as_zeros()
    {
        var data = Datasets.Mixed(MlTask.Regression);
        var result = ModelTrainer.Train(data, new TrainingOptions("y", MlTask.Regression, Trainers: ["ridge"]));

        // The target is linear in every column (colour: red +3, green −2, blue 0, plus noise of variance 4/3).
        Assert.True(result.HoldoutMetrics["r2"] >= 0.9, $"holdout R² {result.HoldoutMetrics["r2"]:F4}");
        var colour = result.FeatureWeights.Where(w => w.Feature.StartsWith("colour=", StringComparison.Ordinal))
            .ToDictionary(w => w.Feature, w => w.Value);
        Assert.Equal(["colour=blue", "colour=green", "colour=red"], colour.Keys.Order());
        Assert.InRange(colour["colour=red"] - colour["colour=green"], 4, 6);

        // An unseen category scores as a missing one: every slot zero.
        using var scorer = OnnxScorer.Load(result.OnnxModel);
        var rows = result.Holdout.SelectRows([0, 0]);
        var texts = new string?[] { "purple", null };
        var probe = new Table(rows.Columns.Select(c => c.Name == "colour" ? TableColumn.Categorical("colour", texts) : c).ToList());
        var scores = scorer.Score(probe).Values!;
        Assert.Equal(scores[0], scores[1]);
    }

    private static byte[] RidgeEntry(TrainingResult result)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(result.MlNetModel));
        var entry = zip.GetEntry(FittedPipeline.RidgeEntry);
        Assert.NotNull(entry);
        using var content = new MemoryStream();
        entry.Open().CopyTo(content);
        return content.ToArray();
    }

    private static (Table Train, Table Holdout, FeatureLayout Layout) DiabetesSplit()
    {
        var (trainRows, testRows) = TrainTestSplit.Split(Datasets.Diabetes.RowCount, 0.2, 42);
        return (Datasets.Diabetes.SelectRows(trainRows), Datasets.Diabetes.SelectRows(testRows), FeatureLayout.From(Datasets.Diabetes, "target"));
    }
}
