using System.Collections.Immutable;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using Platform.Ml.Data;
using Platform.Ml.Models.Training;

namespace Platform.Ml.Models.Onnx;

/// <summary>
/// Reads the numbers an ONNX graph needs out of a fitted ML.NET pipeline, through ML.NET's public model
/// parameters (its saved zip is a private binary format). The one exception is one-versus-all models
/// (ova-fasttree, LightGBM multiclass), whose per-class models ML.NET exposes only internally: they are
/// read by reflection from <c>OneVersusAllModelParameters.SubModelParameters</c>.
/// </summary>
internal static class PipelineReader
{
    public static ExportPipeline Read(FittedPipeline fitted, Table sample, string target)
    {
        var chain = Flatten(fitted.Model).ToArray();
        var layout = fitted.Layout;

        float[] scale = [], offset = [];
        if (layout.Numeric.Count > 0 && chain.OfType<NormalizingTransformer>().SingleOrDefault() is { } normalizer)
        {
            var parameters = normalizer.GetNormalizerModelParameters(0) as NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>
                ?? throw new NotSupportedException("Only affine (mean–variance) normalisation can be exported.");
            scale = parameters.Scale.ToArray();
            offset = parameters.Offset.IsDefaultOrEmpty ? [] : parameters.Offset.ToArray();
        }

        // The one-hot categories, in slot order, are the slot names of each encoder's output column.
        var schema = fitted.Model.GetOutputSchema(fitted.InputSchema(sample));
        var categorical = layout.Categorical.Select((name, i) =>
        {
            var slots = default(VBuffer<ReadOnlyMemory<char>>);
            schema[FeatureLayout.OneHot(i)].Annotations.GetValue("SlotNames", ref slots);
            return (name, slots.DenseValues().Select(s => s.ToString()).ToArray());
        }).ToArray();

        var signature = new ModelSignature(
            fitted.Task,
            target,
            layout.Numeric.Select(c => new FeatureSpec(c.Name, c.Kind))
                .Concat(categorical.Select(c => new FeatureSpec(c.name, ColumnKind.Categorical, c.Item2)))
                .ToArray(),
            fitted.Classes?.ToArray());

        ExportHead head;
        if (fitted.Forest is { } forest)
        {
            // Our own random forest: the ML.NET chain is the featurisation alone, the forest scores its output.
            head = new ExportHead(new ForestScore(forest), ProbabilityLink.Votes, [], []);
        }
        else if (fitted.Ridge is { } ridge)
        {
            // Our own ridge: a linear score on the featurisation's output, the same MatMul + Add as ML.NET's linear models.
            if (ridge is not [var model]) throw new NotSupportedException("A ridge path cannot be exported; refit it at one α.");
            head = new ExportHead(new LinearScore([model.Weights.Select(w => (float)w).ToArray()], [(float)model.Bias]), ProbabilityLink.None, [], []);
        }
        else if (chain[^1] is CalibratorTransformer<PlattCalibrator> calibrator)
        {
            // A trainer that returns raw scores (FastForest binary) followed by its own Platt calibrator.
            var platt = ((IPredictionTransformer<PlattCalibrator>)calibrator).Model;
            var raw = RawScoreOf(((IPredictionTransformer<object>)chain[^2]).Model);
            head = new ExportHead(raw, ProbabilityLink.Platt, [platt.Slope], [platt.Offset]);
        }
        else
        {
            head = Head(fitted.Task, ((IPredictionTransformer<object>)chain[^1]).Model, fitted.Classes?.Count ?? 1);
        }

        return new ExportPipeline(signature, layout.Numeric.Select(c => c.Name).ToArray(), fitted.ImputationMeans, scale, offset,
            categorical, head);
    }

    /// <summary>The transformers in order, with nested chains (a trainer plus its calibrator) unfolded.</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    private static ExportHead Head(MlTask task, object predictor, int classCount)
    {
        switch (task)
        {
            case MlTask.Regression:
                return new ExportHead(RawScoreOf(predictor), ProbabilityLink.None, [], []);
            case MlTask.Binary:
            {
                var (score, slope, offset) = Calibrated(predictor);
                return new ExportHead(score, ProbabilityLink.Platt, [slope], [offset]);
            }
            default:
                if (predictor is LinearMulticlassModelParametersBase linear)
                {
                    var weights = default(VBuffer<float>[]);
                    linear.GetWeights(ref weights!, out var k);
                    return new ExportHead(
                        new LinearScore(weights.Take(k).Select(w => w.DenseValues().ToArray()).ToArray(), linear.GetBiases().ToArray()),
                        ProbabilityLink.Softmax, [], []);
                }

                if (predictor is OneVersusAllModelParameters ova) return OneVersusAll(ova, classCount);
                throw new NotSupportedException($"Cannot export a {predictor.GetType().Name}.");
        }
    }

    private static ExportHead OneVersusAll(OneVersusAllModelParameters ova, int classCount)
    {
        var property = typeof(OneVersusAllModelParameters).GetProperty("SubModelParameters", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new NotSupportedException("This ML.NET version hides one-versus-all sub-models differently.");
        var subModels = ((ImmutableArray<object>)property.GetValue(ova)!).ToArray();
        if (subModels.Length != classCount)
            throw new NotSupportedException($"One-versus-all has {subModels.Length} sub-models for {classCount} classes.");

        var trees = new List<(int, ExportTree)>();
        var bias = new double[classCount];
        if (OutputFormula(ova) == "Softmax")
        {
            // LightGBM multiclass: softmax over the raw per-class tree sums (its Platt wrappers are not applied).
            for (var k = 0; k < classCount; k++)
                Collect(RawScoreOf(subModels[k] is CalibratedModelParametersBase c ? c.SubModel : subModels[k]), k);
            return new ExportHead(new TreeScore(trees, bias, 1), ProbabilityLink.Softmax, [], []);
        }

        // ML.NET's default one-versus-all: a Platt-calibrated probability per class, normalised to sum to one.
        var slopes = new double[classCount];
        var offsets = new double[classCount];
        for (var k = 0; k < classCount; k++)
        {
            var (score, slope, offset) = Calibrated(subModels[k]);
            Collect(score, k);
            slopes[k] = slope;
            offsets[k] = offset;
        }

        return new ExportHead(new TreeScore(trees, bias, 1), ProbabilityLink.PlattNormalized, slopes, offsets);

        void Collect(RawScore score, int k)
        {
            if (score is not TreeScore { Divisor: 1 } treeScore)
                throw new NotSupportedException("One-versus-all export supports boosted-tree sub-models only.");
            trees.AddRange(treeScore.Trees.Select(t => (k, t.Tree)));
            bias[k] = treeScore.Bias[0];
        }
    }

    /// <summary>"ProbabilityNormalization", "Softmax" or "Raw": how ML.NET combines the per-class outputs (internal too).</summary>
    private static string OutputFormula(OneVersusAllModelParameters ova)
    {
        var impl = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(ova)
            ?? throw new NotSupportedException("This ML.NET version hides the one-versus-all implementation differently.");
        var formula = impl.GetType().GetField("OutputFormula", BindingFlags.Instance | BindingFlags.Public)?.GetValue(impl)
            ?? throw new NotSupportedException("This ML.NET version hides the one-versus-all output formula differently.");
        return formula.ToString()!;
    }

    private static (RawScore Score, double Slope, double Offset) Calibrated(object predictor)
    {
        if (predictor is not CalibratedModelParametersBase calibrated)
            throw new NotSupportedException($"Expected a calibrated binary model, got {predictor.GetType().Name}.");
        if (calibrated.Calibrator is not PlattCalibrator platt)
            throw new NotSupportedException($"Only Platt calibration can be exported, got {calibrated.Calibrator.GetType().Name}.");
        return (RawScoreOf(calibrated.SubModel), platt.Slope, platt.Offset);
    }

    private static RawScore RawScoreOf(object model) => model switch
    {
        LinearModelParameters linear => new LinearScore([linear.Weights.ToArray()], [linear.Bias]),
        // FastForest regression averages its trees; every other ensemble sums them.
        FastForestRegressionModelParameters forest => Trees(forest.TrainedTreeEnsemble, forest.TrainedTreeEnsemble.Trees.Count),
        TreeEnsembleModelParametersBasedOnRegressionTree boosted => Trees(boosted.TrainedTreeEnsemble, 1),
        TreeEnsembleModelParametersBasedOnQuantileRegressionTree quantile => Trees(quantile.TrainedTreeEnsemble, 1),
        _ => throw new NotSupportedException($"Cannot export a {model.GetType().Name}."),
    };

    private static TreeScore Trees<TTree>(TreeEnsemble<TTree> ensemble, float divisor) where TTree : RegressionTreeBase
    {
        var trees = new List<(int, ExportTree)>();
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            var weight = ensemble.TreeWeights[t];
            if (tree.CategoricalSplitFlags.Any(flag => flag))
                throw new NotSupportedException("A tree uses categorical splits, which this exporter does not write; train with them off.");
            trees.Add((0, new ExportTree(
                tree.LeftChild.ToArray(),
                tree.RightChild.ToArray(),
                tree.NumericalSplitFeatureIndexes.ToArray(),
                tree.NumericalSplitThresholds.ToArray(),
                tree.LeafValues.Select(v => v * weight).ToArray())));
        }

        return new TreeScore(trees, [ensemble.Bias], divisor);
    }
}
