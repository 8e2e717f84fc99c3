using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

/// <summary>
/// The soft-voting ensemble: greedy selection keeps members that help on the out-of-fold predictions and none that
/// do not; its ONNX graph predicts the weighted sum of its members; a search records it and, when it wins, exports it
/// reproducibly with every member in the ML.NET zip.
/// </summary>
public sealed class EnsembleTests
{
    private static readonly string[] Classes = ["a", "b"];

    [Fact]
    public void Greedy_selection_mixes_candidates_whose_errors_differ_and_keeps_a_dominant_one_alone()
    {
        // Six rows, class a for the first three. A errs on row 0, B on row 3: each alone gets 5 of 6 right, their
        // average gets all 6 (with the more confident vote deciding), and C is worse everywhere.
        int[] truth = [0, 0, 0, 1, 1, 1];
        var a = Probabilities([0.4f, 0.9f, 0.9f, 0.1f, 0.1f, 0.1f]);
        var b = Probabilities([0.9f, 0.9f, 0.9f, 0.6f, 0.1f, 0.1f]);
        var c = Probabilities([0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f]);
        int[][] folds = [[0, 3], [1, 4], [2, 5]];
        (double, double) Score(int fold, ScoreResult p)
        {
            var rows = folds[fold];
            var logLoss = rows.Select((row, i) => -Math.Log(p.Probabilities![i][truth[row]])).Average();
            var accuracy = rows.Select((row, i) => p.Labels![i] == Classes[truth[row]] ? 1.0 : 0.0).Average();
            return (accuracy, -logLoss);
        }

        var mixed = EnsembleSelection.Select([Candidate("a", a), Candidate("b", b), Candidate("c", c)], folds, rounds: 4, Classes, Score);

        Assert.NotNull(mixed);
        Assert.Equal(["a", "b"], mixed.Members.Select(m => m.Candidate.Trainer));
        Assert.Equal(1.0, mixed.Weights.Sum(), 12);
        Assert.All(mixed.FoldPrimary, accuracy => Assert.Equal(1.0, accuracy));
        var alone = Enumerable.Range(0, 3).Select(f => Score(f, Result(folds[f].Select(row => a[row]).ToArray())).Item2).Average();
        Assert.True(mixed.Score > alone, $"ensemble {mixed.Score} against a alone {alone}");

        // C adds nothing to A: the best bag is A alone, which is no ensemble.
        Assert.Null(EnsembleSelection.Select([Candidate("a", a), Candidate("c", c)], folds, rounds: 4, Classes, Score));
    }

    [Fact]
    public void The_ensemble_graph_predicts_the_weighted_sum_of_its_members_probabilities()
    {
        var (data, target) = Datasets.For("mixed-multiclass");
        var (trainRows, testRows) = TrainTestSplit.Split(data.RowCount, 0.2, 42);
        var train = data.SelectRows(trainRows);
        var holdout = data.SelectRows(testRows);
        var classes = TargetLabels.Classes(data[target], MlTask.Multiclass)!.ToArray();
        var layout = FeatureLayout.From(data, target);
        // One of each head: softmax over boosted trees, averaged forest votes, a standardised linear model.
        var members = new[] { "lightgbm", "random-forest", "lbfgs-maxent" }
            .Select(name => MlNetPipeline.Fit(train, target, MlTask.Multiclass, layout, classes, TrainerCatalog.Grid(MlTask.Multiclass, name)[0], seed: 42))
            .ToArray();
        double[] weights = [0.6, 0.2, 0.2];

        var onnx = OnnxExporter.ExportEnsemble(members.Select(m => PipelineReader.Read(m, train, target)).ToArray(), weights);
        using var scorer = OnnxScorer.Load(onnx);
        var actual = scorer.Score(holdout);
        var expected = EnsembleSelection.Weighted(members.Select(m => m.Score(holdout).Probabilities!).ToArray(), weights, holdout.RowCount, classes.Length);

        Assert.Equal(classes, scorer.Signature.ClassLabels);
        for (var row = 0; row < holdout.RowCount; row++)
        {
            for (var c = 0; c < classes.Length; c++)
                Assert.True(Math.Abs(expected[row][c] - actual.Probabilities![row][c]) <= 1e-4,
                    $"row {row} class {c}: {expected[row][c]} in process, {actual.Probabilities[row][c]} in ONNX");
            Assert.Equal(classes[FittedPipeline.ArgMax(actual.Probabilities![row])], actual.Labels![row]);
        }

        // The mix differs from every member alone (a graph that dropped a member would not pass the check above by luck).
        Assert.All(members, m => Assert.NotEqual(m.Score(holdout).Probabilities![0], actual.Probabilities![0]));
    }

    [Fact]
    public void A_search_records_the_ensemble_and_when_it_wins_exports_it_reproducibly_with_every_member()
    {
        // Wine, split 1: boosted trees and a linear model err on different rows (the quality benchmark's ensemble).
        var options = new TrainingOptions("cultivar", MlTask.Multiclass, Seed: 1, Trainers: ["sdca-maxent", "lightgbm"]);
        var first = ModelTrainer.Train(Datasets.Wine, options);
        var second = ModelTrainer.Train(Datasets.Wine, options);

        var row = Assert.Single(first.CrossValidation, c => c.Trainer == ModelTrainer.EnsembleTrainer);
        // Wine's 142 training rows repeat the 5 folds 3 times: the ensemble is scored on the out-of-fold predictions of each.
        Assert.Equal((5, 3), (first.Folds, first.Repeats));
        Assert.Equal(15, row.FoldScores.Count);
        Assert.Contains("member_0", row.Parameters.Keys);
        Assert.Equal(1.0, row.Parameters.Where(p => p.Key.StartsWith("weight_")).Sum(p => double.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture)), 9);
        Assert.Equal(first.OnnxModel, second.OnnxModel);
        // Chosen exactly when its mean selection score beats every single candidate's (log-loss: lower).
        var bestSingle = first.CrossValidation.Where(c => c.Trainer != ModelTrainer.EnsembleTrainer).Min(c => c.SelectionMean);
        Assert.Equal(row.SelectionMean < bestSingle, first.Trainer == ModelTrainer.EnsembleTrainer);
        Assert.Equal(ModelTrainer.EnsembleTrainer, first.Trainer);
        Assert.True(first.HoldoutMetrics["macro_accuracy"] >= 0.95, $"macro accuracy {first.HoldoutMetrics["macro_accuracy"]}");

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(first.MlNetModel));
        using var index = System.Text.Json.JsonDocument.Parse(zip.GetEntry(EnsembleArchive.IndexEntry)!.Open());
        var members = index.RootElement.GetProperty("members").EnumerateArray().ToArray();
        Assert.Equal(first.Parameters.Count / 2, members.Length);
        var ml = new Microsoft.ML.MLContext(seed: 1);
        foreach (var member in members)
        {
            using var memberZip = new MemoryStream();
            zip.GetEntry(member.GetProperty("entry").GetString()!)!.Open().CopyTo(memberZip);
            memberZip.Position = 0;
            ml.Model.Load(memberZip, out var inputSchema);
            Assert.DoesNotContain(inputSchema, c => c.Name == "cultivar");
        }
    }

    private static OutOfFold Candidate(string name, float[][] probabilities) =>
        new(new TrainerCandidate(name, new Dictionary<string, string>(), null), probabilities);

    private static float[][] Probabilities(float[] ofA) => ofA.Select(p => new[] { p, 1 - p }).ToArray();

    private static ScoreResult Result(float[][] p) => new(null, p.Select(v => Classes[FittedPipeline.ArgMax(v)]).ToArray(), p);
}
