using Platform.Ml.Data;
using Platform.Ml.Models.Onnx;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Tests;

/// <summary>
/// The ONNX export must predict what ML.NET predicts: on each holdout, scores and probabilities within 1e-4
/// (relative to the value's size above 1, since float32 keeps ~7 digits: a score of 300 has 3e-5 granularity),
/// and identical labels.
/// </summary>
public sealed class OnnxParityTests
{
    public static TheoryData<string, MlTask, string> Cases => new()
    {
        { "diabetes", MlTask.Regression, "ridge" },
        { "mixed-regression", MlTask.Regression, "ridge" },
        { "diabetes", MlTask.Regression, "sdca" },
        { "diabetes", MlTask.Regression, "fasttree" },
        { "diabetes", MlTask.Regression, "fastforest" },
        { "diabetes", MlTask.Regression, "lightgbm" },
        { "diabetes", MlTask.Regression, "ogd" },
        { "mixed-regression", MlTask.Regression, "sdca" },
        { "mixed-regression", MlTask.Regression, "fasttree" },
        { "breast_cancer", MlTask.Binary, "sdca-logistic" },
        { "breast_cancer", MlTask.Binary, "lbfgs-logistic" },
        { "breast_cancer", MlTask.Binary, "fasttree" },
        { "breast_cancer", MlTask.Binary, "fastforest" },
        { "breast_cancer", MlTask.Binary, "lightgbm" },
        { "mixed-binary", MlTask.Binary, "lbfgs-logistic" },
        { "mixed-binary", MlTask.Binary, "lightgbm" },
        { "iris", MlTask.Multiclass, "sdca-maxent" },
        { "iris", MlTask.Multiclass, "lbfgs-maxent" },
        { "iris", MlTask.Multiclass, "lightgbm" },
        { "iris", MlTask.Multiclass, "ova-fasttree" },
        { "mixed-multiclass", MlTask.Multiclass, "lbfgs-maxent" },
        { "mixed-multiclass", MlTask.Multiclass, "ova-fasttree" },
        { "iris", MlTask.Multiclass, "ova-fastforest" },
        { "mixed-multiclass", MlTask.Multiclass, "ova-fastforest" },
        { "iris", MlTask.Multiclass, "random-forest" },
        { "mixed-multiclass", MlTask.Multiclass, "random-forest" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_model_matches_MlNet_on_the_holdout(string dataset, MlTask task, string trainer)
    {
        var (model, onnx, holdout) = ModelFactory.FitAndExport(dataset, task, trainer);

        var expected = model.Score(holdout);
        using var scorer = OnnxScorer.Load(onnx);
        var actual = scorer.Score(holdout);

        if (task == MlTask.Regression)
        {
            Assert.Equal(expected.Values!.Length, actual.Values!.Length);
            for (var i = 0; i < expected.Values.Length; i++)
                AssertClose(expected.Values[i], actual.Values[i], $"row {i}");
            return;
        }

        Assert.Equal(expected.Labels, actual.Labels);
        for (var i = 0; i < expected.Probabilities!.Length; i++)
        {
            Assert.Equal(expected.Probabilities[i].Length, actual.Probabilities![i].Length);
            for (var k = 0; k < expected.Probabilities[i].Length; k++)
                AssertClose(expected.Probabilities[i][k], actual.Probabilities[i][k], $"row {i} class {k}");
        }
    }

    private static void AssertClose(double expected, double actual, string where)
    {
        var tolerance = 1e-4 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{where}: ML.NET {expected:R}, ONNX {actual:R}");
    }
}

/// <summary>Fits the first grid point of a trainer (ridge: its middle α) on the seed-42 training split and exports it.</summary>
internal static class ModelFactory
{
    public static (FittedPipeline Model, byte[] Onnx, Table Holdout) FitAndExport(string dataset, MlTask task, string trainer)
    {
        var (data, target) = Datasets.For(dataset);
        var (trainRows, testRows) = TrainTestSplit.Split(data.RowCount, 0.2, 42);
        var train = data.SelectRows(trainRows);
        var holdout = data.SelectRows(testRows);
        var classes = task == MlTask.Regression ? null : TargetLabels.Classes(data[target], task);
        var candidate = TrainerCatalog.Grid(task, trainer)[0];
        // Ridge's first candidate is its whole α path, scored in stages; what is exported is one α of it (here α = 1).
        if (candidate.Ridge is not null) candidate = candidate.AtStage!(candidate.Stages!.Count / 2);
        var model = MlNetPipeline.Fit(train, target, task, FeatureLayout.From(data, target), classes, candidate, seed: 42);
        var onnx = OnnxExporter.Export(PipelineReader.Read(model, train, target));
        return (model, onnx, holdout);
    }
}
